// A reorg across an activation, an unbonding release and a period settlement
// ends in the state of a chain that only ever saw the winning branch (§9.2):
// regtest with BOOTSTRAP_MIN_VALIDATOR_STAKE = 1 and the faucet as the only
// validator, so every key block after a1 is endorsed through its M_{h,0}.
//
//   g ── a ── a1 (stake) ┬─ A2 … A12   (an unstake at epoch 4 releases at 9; settlement at 11)
//                        └─ B2 … B14   (heavier: the reorg undoes all of A's)
import { test } from 'tap';
import { decodePendingKey, KIND_VALIDATOR_POOL, ROLE_VALIDATOR } from '../../src/state/entries.js';
import { endorsedEpoch, openPoaHarness } from '../helpers/poa.js';
import { signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
test('a reorg over an activation, an unbonding release and a settlement gives the state of a chain that only saw the winner', async (t) => {
  const h = openPoaHarness(t);
  h.key('a', 'g');
  h.micro('a1', 'a', [
    signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n * ALTO }, nonce: 0n }),
  ]);
  const names: string[] = ['a', 'a1'];
  let tip = 'a1';
  for (let i = 2; i <= 12; i++) {
    const txs =
      i === 4 ? [signedTx({ payload: { type: 7, role: ROLE_VALIDATOR, amount: ALTO }, nonce: 1n })] : [];
    tip = endorsedEpoch(h, 'A', i, tip, txs);
  }
  const onA = h.chain.state();
  t.equal(onA.epoch(12n)?.activation, 0, 'A is endorsed to height 12');
  t.equal([...onA.range(Uint8Array.of(0x05), Uint8Array.of(0x06))].length, 0, 'the unstake released at 9');
  t.equal(onA.counters().validators, 0n, 'settled at 11: the pool is empty again');
  const poolPaid = [...onA.range(Uint8Array.of(0x0f), Uint8Array.of(0x10))].filter(
    ({ key }) => decodePendingKey(key).kind === KIND_VALIDATOR_POOL,
  );
  t.equal(poolPaid.length, 1, "a's bootstrap share paid to the validator at settlement");

  const bNames: string[] = [];
  let bTip = 'a1';
  for (let i = 2; i <= 14; i++) {
    bTip = endorsedEpoch(h, 'B', i, bTip);
    bNames.push(`B${i}`, `B${i}m`);
  }
  t.equal(h.tipName(), bTip, 'the heavier branch wins');

  const fresh = openPoaHarness(t);
  fresh.replay(h, [...names, ...bNames]);
  t.equal(fresh.tipName(), bTip);
  t.equal(h.digest(), fresh.digest(), 'the digest of a chain that only saw B');
});
