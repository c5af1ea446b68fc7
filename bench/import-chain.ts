// Regtest blocks for the block-import bench, built before any timing: mined
// key blocks (a few yespower hashes each), microblocks of faucet transfers,
// and a Proof of Activity chain (PROTOCOL.md §5) — five validators funded by
// the faucet and bonded, so every later key block is a candidate that its
// M_{h,0} activates with the five drawn endorsements. The same epochs are also
// built bootstrap-activated, so the two imports differ only in activation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyBlock } from '../src/chain/block-store.js';
import { Chain, type AddResult } from '../src/chain/chain.js';
import { targetBytes, targetFromBits } from '../src/consensus/difficulty.js';
import { microblockSigningMessage } from '../src/consensus/microblock-rules.js';
import { getPublicKey, sign } from '../src/crypto/ed25519.js';
import { sha256, sha256d } from '../src/crypto/hash.js';
import { scanNonces } from '../src/crypto/pow.js';
import { accountId } from '../src/protocol/address.js';
import { BASE_UNITS_PER_ALTO } from '../src/protocol/amount.js';
import { endorsementSigningMessage } from '../src/protocol/endorsement.js';
import {
  encodeKeyBlockHeader,
  genesisBlock,
  keyBlockId,
  keyBlockRoot,
  type KeyBlock,
} from '../src/protocol/key-block.js';
import {
  encodeActivation,
  merkleRoot,
  microblockId,
  type ActivationEntry,
  type Microblock,
} from '../src/protocol/microblock.js';
import { REGTEST, type NetworkParams } from '../src/protocol/params.js';
import { txId, txSigningMessage, type Tx } from '../src/protocol/tx.js';
import { Storage } from '../src/storage/db.js';

export const params = REGTEST;
const FAUCET_SEED = sha256(new TextEncoder().encode('ALTO regtest faucet'));
const LEADER_SEED = new Uint8Array(32).fill(0x1e);
/** Seconds between key blocks: well inside regtest's ACTIVATION_FALLBACK (600 s), so none falls back. */
const KEY_BLOCK_SPACING_S = 60;
const VALIDATORS = 5;
const STAKE = 2n * BASE_UNITS_PER_ALTO;
/** A threshold that the five bonds reach together: every key block after them is endorsed. */
export const POA_PARAMS: NetworkParams = {
  ...params,
  poa: { ...params.poa, bootstrapMinValidatorStake: STAKE * BigInt(VALIDATORS) },
};
/** A clock far past every block time. */
export const NOW = (): number => (params.genesis.time + 10_000_000) * 1000;

/** A key block on `prev` (an id), mined at regtest's fixed target. */
export function mineKeyBlock(prev: Uint8Array, height: bigint): KeyBlock {
  const body = {
    magic: params.magic,
    height,
    leaderKey: getPublicKey(LEADER_SEED),
    payout: new Uint8Array(20).fill(9),
    extranonce: new Uint8Array(8),
    aux: new Uint8Array(32),
  };
  const header = {
    version: 1,
    prev,
    root: keyBlockRoot(body),
    time: params.genesis.time + KEY_BLOCK_SPACING_S * Number(height),
    bits: params.powLimitBits,
    nonce: 0,
  };
  const hit = scanNonces(encodeKeyBlockHeader(header), targetBytes(targetFromBits(header.bits)), 0, 10_000);
  if (hit === null) throw new Error('no nonce');
  return { header: { ...header, nonce: hit.nonce }, body };
}

/** `count` faucet transfers of 1 base unit each, nonces from `firstNonce`, to distinct accounts. */
export function faucetTransfers(firstNonce: number, count: number): Tx[] {
  const sender = getPublicKey(FAUCET_SEED);
  return Array.from({ length: count }, (_, i) => {
    const to = new Uint8Array(20);
    new DataView(to.buffer).setUint32(0, firstNonce + i);
    const unsigned = {
      version: 1 as const,
      sender,
      nonce: BigInt(firstNonce + i),
      fee: 1000n,
      validUntil: 0n,
      payload: { type: 1 as const, to, amount: 1n, memo: new Uint8Array() },
    };
    return { ...unsigned, signature: sign(txSigningMessage(unsigned, params), FAUCET_SEED) };
  });
}

/** Microblock `seq` of `key`'s epoch on `prev`, signed by the leader, 1 s after `prevTimeMs`. */
export function buildMicroblock(
  key: KeyBlock,
  prev: Uint8Array,
  seq: number,
  prevTimeMs: bigint,
  txs: readonly Tx[],
  activation: readonly ActivationEntry[] = [],
): Microblock {
  const keyId = keyBlockId(key.header);
  const header = {
    version: 1,
    prev,
    keyHeight: key.body.height,
    seq,
    timeMs: prevTimeMs + 1000n,
    txRoot: merkleRoot(txs.map(txId)),
    txCount: txs.length,
    actHash: sha256d(encodeActivation(activation)),
  };
  const leaderSig = sign(microblockSigningMessage(keyId, header, params), LEADER_SEED);
  return { header, leaderSig, activation: [...activation], txs: [...txs] };
}

/** A fresh regtest chain in a temporary directory; `close` removes it. */
export function openChain(chainParams: NetworkParams): { chain: Chain; storage: Storage; close: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'altostream-bench-'));
  const storage = Storage.open(dir);
  const chain = Chain.open(storage, { params: chainParams, now: NOW });
  return {
    chain,
    storage,
    close: () => {
      void storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function expectAdded(chain: Chain, block: AnyBlock, expected: AddResult): void {
  const result = chain.add(block);
  if (result !== expected) throw new Error(`a fixture block was ${result}, not ${expected}`);
}

export interface ImportFixture {
  /** Key block 1 (bootstrap), then one microblock funding the validators and one bonding them. */
  readonly prefix: readonly AnyBlock[];
  /** Per epoch: the key block (bootstrap-activated), then the transfer microblocks. */
  readonly bootstrap: readonly AnyBlock[];
  /** Per epoch: the key block (a candidate), M_{h,0} with N endorsements, then the same transfers. */
  readonly endorsed: readonly AnyBlock[];
  readonly transfers: number;
}

/**
 * Builds both chains through a live Chain, so every block is known valid: `epochs`
 * epochs of `microblocks` microblocks × `txsPerMicroblock` faucet transfers each.
 */
export function importFixture(epochs: number, microblocks: number, txsPerMicroblock: number): ImportFixture {
  const seeds = Array.from({ length: VALIDATORS }, (_, i) =>
    sha256(new TextEncoder().encode(`bench validator ${i}`)),
  );
  const seedOf = new Map(seeds.map((s) => [Buffer.from(accountId(getPublicKey(s))).toString('hex'), s]));
  // Epoch 1 (bootstrap): the faucet funds each validator, then each bonds STAKE in the next microblock.
  const k1 = mineKeyBlock(keyBlockId(genesisBlock(params).header), 1n);
  const funding = seeds.map((s, i) => {
    const unsigned = {
      version: 1 as const,
      sender: getPublicKey(FAUCET_SEED),
      nonce: BigInt(i),
      fee: 1000n,
      validUntil: 0n,
      payload: {
        type: 1 as const,
        to: accountId(getPublicKey(s)),
        amount: 10n * STAKE,
        memo: new Uint8Array(),
      },
    };
    return { ...unsigned, signature: sign(txSigningMessage(unsigned, params), FAUCET_SEED) };
  });
  const bonds = seeds.map((s) => {
    const unsigned = {
      version: 1 as const,
      sender: getPublicKey(s),
      nonce: 0n,
      fee: 10n ** 15n,
      validUntil: 0n,
      payload: { type: 6 as const, role: 1 as const, amount: STAKE },
    };
    return { ...unsigned, signature: sign(txSigningMessage(unsigned, params), s) };
  });
  const k1Time = BigInt(k1.header.time) * 1000n;
  const m1 = buildMicroblock(k1, keyBlockId(k1.header), 0, k1Time, funding);
  const m2 = buildMicroblock(k1, microblockId(m1.header), 1, m1.header.timeMs, bonds);
  const prefix: AnyBlock[] = [
    { kind: 'key', block: k1 },
    { kind: 'micro', block: m1 },
    { kind: 'micro', block: m2 },
  ];
  const txs = Array.from({ length: epochs * microblocks }, (_, b) =>
    faucetTransfers(VALIDATORS + b * txsPerMicroblock, txsPerMicroblock),
  );

  const build = (endorsed: boolean): AnyBlock[] => {
    const { chain, close } = openChain(endorsed ? POA_PARAMS : params);
    try {
      for (const block of prefix) expectAdded(chain, block, 'connected');
      const out: AnyBlock[] = [];
      const add = (block: AnyBlock, expected: AddResult): void => {
        expectAdded(chain, block, expected);
        out.push(block);
      };
      let prev = microblockId(m2.header);
      let prevTimeMs = m2.header.timeMs;
      for (let e = 0; e < epochs; e++) {
        const key = mineKeyBlock(prev, BigInt(e + 2));
        const keyId = keyBlockId(key.header);
        prev = keyId;
        prevTimeMs = BigInt(key.header.time) * 1000n;
        let seq = 0;
        if (endorsed) {
          add({ kind: 'key', block: key }, 'candidate');
          const owners = chain.endorsementTarget(keyId)!.slotOwners;
          const section = owners.map((owner, index) => {
            const seed = seedOf.get(Buffer.from(owner).toString('hex'))!;
            return {
              index,
              validatorKey: getPublicKey(seed),
              sig: sign(endorsementSigningMessage(keyId, index, POA_PARAMS), seed),
            };
          });
          const m0 = buildMicroblock(key, prev, seq++, prevTimeMs, [], section);
          add({ kind: 'micro', block: m0 }, 'connected');
          prev = microblockId(m0.header);
          prevTimeMs = m0.header.timeMs;
        } else {
          add({ kind: 'key', block: key }, 'connected');
        }
        for (let b = 0; b < microblocks; b++) {
          const m = buildMicroblock(key, prev, seq++, prevTimeMs, txs[e * microblocks + b]!);
          add({ kind: 'micro', block: m }, 'connected');
          prev = microblockId(m.header);
          prevTimeMs = m.header.timeMs;
        }
      }
      return out;
    } finally {
      close();
    }
  };
  return {
    prefix,
    bootstrap: build(false),
    endorsed: build(true),
    transfers: epochs * microblocks * txsPerMicroblock,
  };
}
