import { test } from 'tap';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { verify } from '../../src/crypto/ed25519.js';
import { decodeAddress, encodeAddress } from '../../src/protocol/address.js';
import { REGTEST, TESTNET } from '../../src/protocol/params.js';
import { decodeTx, encodeTx, txEncodedLength, txSigningMessage } from '../../src/protocol/tx.js';
import { MIN_RELAY_FEE_RATE } from '../../src/protocol/policy.js';
import { buildTransfer, defaultTransferFee, transferLength } from '../../src/wallet/send.js';
import { FAUCET_SEED } from '../helpers/txs.js';

const BOB = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0xb0));

test('checkTxSanity accepts a built transfer, and it pays the address it was given', async (t) => {
  const memo = new TextEncoder().encode('for the drums');
  const tx = buildTransfer({ seed: FAUCET_SEED, to: BOB, amount: 5n, nonce: 3n, memo, params: REGTEST });
  t.doesNotThrow(() => {
    checkTxSanity(tx, REGTEST);
  });
  t.throws(
    () => {
      checkTxSanity(tx, TESTNET);
    },
    { code: 'bad-signature' },
    'signed for regtest only (§2.6)',
  );
  t.ok(verify(tx.signature, txSigningMessage(tx, REGTEST), tx.sender));
  const decoded = decodeTx(encodeTx(tx));
  t.match(decoded.payload, { type: 1, amount: 5n, memo });
  t.same(decoded.payload.type === 1 ? decoded.payload.to : undefined, decodeAddress(REGTEST.hrp, BOB));
  t.equal(decoded.nonce, 3n);
  t.equal(decoded.validUntil, 0n);
});

test('the default fee is the minimum fee rate (never below 10^11 per byte) times the signed size', async (t) => {
  for (const memoLength of [0, 1, 252, 253, 256]) {
    const memo = new Uint8Array(memoLength).fill(0x61);
    const tx = buildTransfer({ seed: FAUCET_SEED, to: BOB, amount: 1n, nonce: 0n, memo, params: REGTEST });
    t.equal(transferLength(memoLength), txEncodedLength(tx), `memo ${memoLength}: size known before signing`);
    t.equal(tx.fee, MIN_RELAY_FEE_RATE * BigInt(txEncodedLength(tx)), `memo ${memoLength}: fee`);
  }
  const size = BigInt(transferLength(0));
  t.equal(defaultTransferFee(0, 3n * 10n ** 11n), 3n * 10n ** 11n * size, "a node's higher minimum wins");
  t.equal(defaultTransferFee(0, 1n), MIN_RELAY_FEE_RATE * size, 'a lower one is raised to §4.14');
  const chosen = buildTransfer({
    seed: FAUCET_SEED,
    to: BOB,
    amount: 1n,
    fee: 7n,
    nonce: 0n,
    params: REGTEST,
  });
  t.equal(chosen.fee, 7n, 'an explicit fee is kept');
  const expiring = buildTransfer({
    seed: FAUCET_SEED,
    to: BOB,
    amount: 1n,
    nonce: 0n,
    validUntil: 9n,
    params: REGTEST,
  });
  t.equal(expiring.validUntil, 9n);
});

test('bad-amount, bad-address, oversize: what no node would relay is never signed', async (t) => {
  const base = { seed: FAUCET_SEED, to: BOB, amount: 1n, nonce: 0n, params: REGTEST };
  t.throws(() => buildTransfer({ ...base, amount: 0n }), { code: 'bad-amount' });
  t.throws(() => buildTransfer({ ...base, amount: -1n }), { code: 'bad-amount' });
  t.throws(() => buildTransfer({ ...base, to: encodeAddress('talto', new Uint8Array(20)) }), {
    code: 'bad-address',
  });
  t.throws(() => buildTransfer({ ...base, memo: new Uint8Array(257) }), { code: 'oversize' });
});
