// The size limits of §3.3 rule 1 and §4.1, checked on real encodings at and one byte over each limit:
// the decoders must refuse what is over with the rule's own code, and take what is exactly at it.
import { test } from 'tap';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { checkMicroblockSize, checkMicroblockTxBinding } from '../../src/consensus/microblock-rules.js';
import { Writer } from '../../src/protocol/codec.js';
import { RuleError } from '../../src/protocol/errors.js';
import { decodeMicroblock, encodeMicroblock } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import { decodeTx, encodeTx, encodeTxUnsigned, type Tx } from '../../src/protocol/tx.js';
import { buildMicroblock } from '../helpers/blocks.js';
import { FAUCET_SEED, signedTx } from '../helpers/txs.js';

const MAX_MICROBLOCK = 1_000_000;
const MAX_TX = 200_000;
const ALICE = new Uint8Array(20).fill(0xa1);
const K1_ID = new Uint8Array(32).fill(0x4b);

function ruleCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof RuleError) return error.code;
    throw error;
  }
  return 'none';
}

const transferPayload = (memo: number) =>
  ({ type: 1, to: ALICE, amount: 1n, memo: new Uint8Array(memo).fill(0x6d) }) as const;

/** Memo length by encoded Transfer size; the size depends on nothing else (fixed-width fields). */
const MEMO_FOR_SIZE = new Map(
  Array.from({ length: 257 }, (_, memo) => {
    const unsigned = { version: 1, sender: new Uint8Array(32), nonce: 0n, fee: 0n, validUntil: 0n } as const;
    return [encodeTxUnsigned({ ...unsigned, payload: transferPayload(memo) }).length + 64, memo] as const;
  }),
);

/** A signed Transfer whose memo (bytes(256), §4.2) makes its encoding `size` bytes long. */
function transferOfSize(size: number, nonce: bigint): Tx {
  const memo = MEMO_FOR_SIZE.get(size);
  if (memo === undefined) throw new Error(`no transfer encodes to ${size} bytes`);
  return signedTx({ nonce, fee: 10n ** 15n, payload: transferPayload(memo) });
}

// A Transfer's encoding is 66 fixed bytes, the payload's length (1 or 3 bytes), the payload
// (to 20 ‖ amount 16 ‖ memo length 1 or 3 ‖ memo) and the signature 64: 168 to 383, 386 to 422 or
// 425 to 428 bytes as the memo grows from 0 to 256 (a length ≥ 253 takes a 3-byte varint).
const LARGEST_TRANSFER = 428;
const SMALLEST_TRANSFER = 168;
const UNREACHABLE = new Set([384, 385, 423, 424]);

/** Transaction sizes that fill a microblock to exactly `total` bytes: largest transfers, then trimmed. */
function sizesFor(total: number): number[] {
  // Header 124 ‖ leader_sig 64 ‖ empty activation section 1 ‖ varint tx count (3 bytes from 253 on).
  const overhead = 124 + 64 + 1 + 3;
  const count = Math.ceil((total - overhead) / LARGEST_TRANSFER);
  const sizes = new Array<number>(count).fill(LARGEST_TRANSFER);
  let excess = overhead + count * LARGEST_TRANSFER - total;
  for (let i = 0; excess > 0; i++) {
    let size = LARGEST_TRANSFER - Math.min(excess, LARGEST_TRANSFER - SMALLEST_TRANSFER);
    while (UNREACHABLE.has(size)) size--;
    excess -= LARGEST_TRANSFER - size;
    sizes[i] = size;
  }
  return sizes;
}

/** A microblock of real, signed transfers from the faucet whose encoding is `total` bytes. */
function microblockOfSize(total: number): Uint8Array {
  const txs = sizesFor(total).map((size, i) => transferOfSize(size, BigInt(i)));
  const bytes = encodeMicroblock(buildMicroblock({ keyBlockId: K1_ID, timeMs: 1_767_225_661_000n, txs }));
  if (bytes.length !== total) throw new Error(`built ${bytes.length} bytes, wanted ${total}`);
  return bytes;
}

test('microblock-too-large: decodeMicroblock refuses a real encoding of 1,000,001 bytes (§3.3 rule 1)', async (t) => {
  const bytes = microblockOfSize(MAX_MICROBLOCK + 1);
  t.equal(bytes.length, 1_000_001);
  t.equal(
    ruleCode(() => decodeMicroblock(bytes)),
    'microblock-too-large',
  );
});

test('microblock-too-large: a real encoding of exactly 1,000,000 bytes decodes and passes sanity', async (t) => {
  const bytes = microblockOfSize(MAX_MICROBLOCK);
  t.equal(bytes.length, 1_000_000);
  const block = decodeMicroblock(bytes);
  t.equal(
    block.txs.length,
    2336,
    '2,336 transfers of 428 bytes after 192 bytes of header, signature and counts',
  );
  t.equal(Buffer.compare(encodeMicroblock(block), bytes), 0, 'it re-encodes to the same bytes');
  t.doesNotThrow(() => {
    checkMicroblockSize(block, bytes.length);
    checkMicroblockTxBinding(block);
  }, 'the header binds the body: tx_root, tx_count and act_hash match');
});

/**
 * A signed transaction envelope (§4.1) built by hand: type 1, whose payload is a real Transfer
 * (to ‖ amount ‖ empty memo) padded with zeros to `payloadLength` — bytes(200,000) allows it.
 */
function envelopeOfSize(size: number): Uint8Array {
  // version 1 ‖ type 1 ‖ sender 32 ‖ nonce 8 ‖ fee 16 ‖ valid_until 8 ‖ payload length 5 (≥ 65,536) ‖ … ‖ sig 64.
  const payloadLength = size - (66 + 5 + 64);
  const payload = new Uint8Array(payloadLength);
  payload.set(new Writer().fixed(ALICE, 20).u128(1n).varint(0).finish());
  const unsigned = new Writer()
    .u8(1)
    .u8(1)
    .fixed(getPublicKey(FAUCET_SEED), 32)
    .u64(0n)
    .u128(10n ** 15n)
    .u64(0n)
    .bytesOf(payload, MAX_TX)
    .finish();
  const domain = new TextEncoder().encode(`ALTO/${REGTEST.chainId}/tx`);
  const signature = sign(Buffer.concat([domain, unsigned]), FAUCET_SEED);
  const bytes = Buffer.concat([unsigned, signature]);
  if (bytes.length !== size) throw new Error(`built ${bytes.length} bytes, wanted ${size}`);
  return new Uint8Array(bytes);
}

test('tx-too-large: decodeTx refuses an encoding of 200,001 bytes (§4.1)', async (t) => {
  const bytes = envelopeOfSize(MAX_TX + 1);
  t.equal(bytes.length, 200_001);
  t.equal(
    ruleCode(() => decodeTx(bytes)),
    'tx-too-large',
  );
  // The same rule inside a microblock: its transaction list is read with the same size check.
  const header = encodeMicroblock(buildMicroblock({ keyBlockId: K1_ID, timeMs: 1_767_225_661_000n }));
  const micro = Buffer.concat([header.subarray(0, header.length - 1), Uint8Array.of(1), bytes]);
  t.equal(
    ruleCode(() => decodeMicroblock(micro)),
    'tx-too-large',
    'in a microblock',
  );
});

test('tx-too-large: an encoding of exactly 200,000 bytes passes the size rule', async (t) => {
  // No v1 payload reaches 200,000 bytes (the largest, a PlayReport of 1,000 attestations, makes a
  // 168,158-byte transaction), so an envelope at the limit passes the size rule and fails later,
  // when its payload is decoded: the Transfer ends after 37 bytes and the padding is left over.
  const bytes = envelopeOfSize(MAX_TX);
  t.equal(bytes.length, 200_000);
  t.equal(
    ruleCode(() => decodeTx(bytes)),
    'trailing-bytes',
    'refused by the payload decoder, not by size',
  );
  const attestation = {
    songId: new Uint8Array(32).fill(1),
    listenerKey: new Uint8Array(32).fill(2),
    startS: 1_767_225_600n,
    seconds: 60,
    app: ALICE,
    serial: 0n,
    sig: new Uint8Array(64).fill(3),
  };
  const largest = signedTx({
    payload: {
      type: 8,
      app: ALICE,
      attestations: Array.from({ length: 1000 }, (_, i) => ({ ...attestation, serial: BigInt(i) })),
    },
  });
  const encoded = encodeTx(largest);
  t.equal(encoded.length, 168_158);
  t.equal(Buffer.compare(encodeTx(decodeTx(encoded)), encoded), 0, 'the largest v1 transaction decodes');
});
