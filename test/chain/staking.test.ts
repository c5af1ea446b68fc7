import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { accountId } from '../../src/protocol/address.js';
import type { Tx, TxPayload } from '../../src/protocol/tx.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { ruleCode } from '../helpers/rule-code.js';
import { supplyCheckedHarness } from '../helpers/supply.js';
import { FAUCET_ACCOUNT, signedTx, transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 1000n;
// Regtest (§12): UNBONDING_PERIOD 5, REWARD_PERIOD 10, REWARD_MATURITY 2.
const UNBONDING = 5;

const harness = (t: Test): ChainHarness => supplyCheckedHarness(t);

const payload = {
  stake: (role: 1 | 2 | 3, amount: bigint): TxPayload => ({ type: 6, role, amount }),
  unstake: (role: 1 | 2 | 3, amount: bigint): TxPayload => ({ type: 7, role, amount }),
};
const faucetTx = (p: TxPayload, nonce: bigint): Tx => signedTx({ payload: p, nonce, fee: FEE });
const balanceOf = (h: ChainHarness, account: Uint8Array): bigint =>
  h.chain.state().account(account)?.balance ?? 0n;

/** Key blocks named `${prefix}${from}` … `${prefix}${to}`, each on the one before; returns the last name. */
function keys(h: ChainHarness, prefix: string, from: number, to: number, parent: string): string {
  let last = parent;
  for (let i = from; i <= to; i++) {
    h.key(`${prefix}${i}`, last, 0x30 + i);
    last = `${prefix}${i}`;
  }
  return last;
}

test('unbonding is released exactly at c + UNBONDING_PERIOD, not a block early or late', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> … -> k8       m1 stakes 10 ALTO (role 3), m2 (c = 2) unstakes 4
  const h = harness(t);
  h.key('k1', 'g', 1);
  t.equal(h.micro('m1', 'k1', [faucetTx(payload.stake(3, 10n * ALTO), 0n)]), 'connected');
  h.key('k2', 'm1', 2);
  t.equal(h.micro('m2', 'k2', [faucetTx(payload.unstake(3, 4n * ALTO), 1n)]), 'connected');
  t.equal(h.chain.state().bond(FAUCET_ACCOUNT, 3)?.bonded, 6n * ALTO);
  const before = balanceOf(h, FAUCET_ACCOUNT);
  const release = 2 + UNBONDING;
  keys(h, 'k', 3, release - 1, 'm2');
  t.equal(balanceOf(h, FAUCET_ACCOUNT), before, `still locked at ${release - 1}`);
  keys(h, 'k', release, release, `k${release - 1}`);
  t.equal(balanceOf(h, FAUCET_ACCOUNT), before + 4n * ALTO, `released at ${release}`);
  keys(h, 'k', release + 1, release + 1, `k${release}`);
  t.equal(balanceOf(h, FAUCET_ACCOUNT), before + 4n * ALTO, 'released once');
  t.equal(h.chain.state().bond(FAUCET_ACCOUNT, 3)?.bonded, 6n * ALTO, 'the rest stays bonded');
});

test('insufficient-stake: a microblock unstaking stake that is already unbonding is invalid', async (t) => {
  //   g -> k1 -> m1 -> m2*     m1 stakes 3 and unstakes 3; m2 unstakes 1 more
  const h = harness(t);
  h.key('k1', 'g');
  h.micro('m1', 'k1', [
    faucetTx(payload.stake(1, 3n * ALTO), 0n),
    faucetTx(payload.unstake(1, 3n * ALTO), 1n),
  ]);
  t.equal(h.chain.state().bond(FAUCET_ACCOUNT, 1), undefined);
  t.equal(
    ruleCode(() => h.micro('m2', 'm1', [faucetTx(payload.unstake(1, ALTO), 2n)])),
    'insufficient-stake',
  );
  t.same(
    h.chain.applicableTxs([faucetTx(payload.unstake(1, ALTO), 2n)]),
    [],
    "the leader's dry run leaves it out",
  );
  t.equal(h.tipName(), 'm1');
});

test('a reorg over the release height ends in the state of a chain that only saw the winning branch', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> … -> k8                m2 (c = 2) unstakes: released at k7
  //                       \-> c3 -> n3 -> c4 -> … -> c10*      n3 (c = 3) unstakes: released at c8
  const h = harness(t);
  h.key('k1', 'g', 1);
  h.micro('m1', 'k1', [faucetTx(payload.stake(1, 10n * ALTO), 0n)]);
  h.key('k2', 'm1', 2);
  h.micro('m2', 'k2', [faucetTx(payload.unstake(1, 4n * ALTO), 1n)]);
  keys(h, 'k', 3, 8, 'm2');
  t.equal(h.tipName(), 'k8');
  const lockedOnMain = h.chain.state().bond(FAUCET_ACCOUNT, 1)?.bonded;
  t.equal(lockedOnMain, 6n * ALTO);
  h.key('c3', 'k2', 0xc3);
  h.micro('n3', 'c3', [faucetTx(payload.unstake(1, 7n * ALTO), 1n)]);
  for (let i = 4; i <= 10; i++) h.key(`c${i}`, i === 4 ? 'n3' : `c${i - 1}`, 0xc0 + i);
  t.equal(h.tipName(), 'c10', 'the longer branch wins');
  t.equal(h.chain.state().bond(FAUCET_ACCOUNT, 1)?.bonded, 3n * ALTO, "n3's unstake, not m2's");
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(h, ['k1', 'm1', 'k2', 'c3', 'n3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']);
  t.equal(h.digest(), fresh.digest());
  // Back to the first branch, past c10: the release at k7 is redone, n3's undone.
  keys(h, 'k', 9, 11, 'k8');
  t.equal(h.tipName(), 'k11');
  t.equal(h.chain.state().bond(FAUCET_ACCOUNT, 1)?.bonded, 6n * ALTO);
  const back = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  back.replay(h, ['k1', 'm1', 'k2', 'm2', ...Array.from({ length: 9 }, (_, i) => `k${i + 3}`)]);
  t.equal(h.digest(), back.digest());
});

test('settlement at the period boundary pays the infrastructure and validator pools pro rata, floor, dust unminted', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> … -> k13      m1 funds A and B; m2: A stakes 3, B 4 (role 3), faucet 5 (role 1)
  const h = harness(t);
  const seedA = new Uint8Array(32).fill(0xa);
  const seedB = new Uint8Array(32).fill(0xb);
  const a = accountId(getPublicKey(seedA));
  const b = accountId(getPublicKey(seedB));
  h.key('k1', 'g', 1);
  h.micro('m1', 'k1', [transfer(a, 10n * ALTO, { nonce: 0n }), transfer(b, 10n * ALTO, { nonce: 1n })]);
  h.key('k2', 'm1', 2);
  h.micro('m2', 'k2', [
    signedTx({ seed: seedA, payload: payload.stake(3, 3n * ALTO), fee: FEE }),
    signedTx({ seed: seedB, payload: payload.stake(3, 4n * ALTO), fee: FEE }),
    faucetTx(payload.stake(1, 5n * ALTO), 2n),
  ]);
  keys(h, 'k', 3, 10, 'm2');
  // Period 0 = heights 1..10, settled by KeyConnect(11) from the state after k10 (§3.8, §6.4).
  const pools = h.chain.state().counters();
  t.ok(pools.infrastructure > 0n && pools.validators > 0n, 'the pools filled during period 0');
  const mintedBefore = pools.minted;
  keys(h, 'k', 11, 11, 'k10');
  const after = h.chain.state();
  const pending = (account: Uint8Array, kind: number): bigint | undefined =>
    after
      .range(Uint8Array.of(0x0f), Uint8Array.of(0x10))
      .flatMap(({ key, value }) =>
        Buffer.from(key.subarray(9, 29)).equals(Buffer.from(account)) && key[37] === kind
          ? [
              Buffer.from(value.subarray(0, 16)).reduce(
                (n, byte, i) => n + (BigInt(byte) << BigInt(8 * i)),
                0n,
              ),
            ]
          : [],
      )[0];
  const infraA = (pools.infrastructure * 3n) / 7n;
  const infraB = (pools.infrastructure * 4n) / 7n;
  t.equal(pending(a, 8), infraA, 'A: floor(pool·3/7), kind 8');
  t.equal(pending(b, 8), infraB, 'B: floor(pool·4/7), kind 8');
  t.equal(
    pending(FAUCET_ACCOUNT, 9),
    pools.validators,
    'the only validator gets the whole validator pool, kind 9',
  );
  t.equal(pending(FAUCET_ACCOUNT, 8), undefined, 'a validator is not an infrastructure staker');
  t.ok(infraA + infraB < pools.infrastructure, 'there is dust to leave unminted');
  const counters = after.counters();
  t.equal(counters.minted, mintedBefore + 3n * ALTO, 'settlement mints nothing; k9 miner share matured');
  t.equal(
    counters.musicians,
    2n * 10n ** 18n + 5n * 10n ** 17n,
    "the musicians' pool holds only k11's share",
  );
  t.equal(counters.playFloor, BigInt(h.entry('k11').epochKey.block.header.time - 86_400));
  // The credits mature at 11 + REWARD_MATURITY = 13, as minted coins.
  keys(h, 'k', 12, 12, 'k11');
  const balanceA = balanceOf(h, a);
  const minted12 = h.chain.state().counters().minted;
  keys(h, 'k', 13, 13, 'k12');
  t.equal(balanceOf(h, a), balanceA + infraA);
  t.equal(
    h.chain.state().counters().minted,
    minted12 + infraA + infraB + pools.validators + 3n * ALTO,
    'minted grows by the credits and the miner share of k11, never by the dust',
  );
});

test('settlement with no stakers pays nothing and clears the pools unminted', async (t) => {
  const h = harness(t);
  keys(h, 'k', 1, 10, 'g');
  const pools = h.chain.state().counters();
  keys(h, 'k', 11, 13, 'k10');
  const state = h.chain.state();
  const kinds = state.range(Uint8Array.of(0x0f), Uint8Array.of(0x10)).map(({ key }) => key[37]);
  t.notOk(kinds.includes(8) || kinds.includes(9), 'no kind 8 or 9 credit');
  t.ok(pools.validators > 0n);
  t.ok(state.counters().validators < pools.validators, "period 0's validator pool is gone");
});
