import { test } from 'tap';
import { codeOf, poolHarness, wallet } from '../helpers/mempool.js';
import { signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 10n ** 6n;
const alice = wallet(1);

const stake = (amount: bigint, nonce = 0n) =>
  signedTx({ seed: alice.seed, nonce, fee: FEE, payload: { type: 6, role: 3, amount } });

test('a Stake enters the pool; insufficient-funds counts its amount beside the fee (§4.1, §4.14)', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, 2n * ALTO + 2n * FEE);
  t.equal(
    codeOf(() => h.pool.add(stake(2n * ALTO + FEE + 1n), 'local')),
    'insufficient-funds',
  );
  t.equal(h.pool.add(stake(ALTO), 'local').ready, true, 'a stake within the balance is ready');
  // The chained second stake sees what the first leaves: 1 ALTO + 1 fee.
  t.equal(
    codeOf(() => h.pool.add(stake(ALTO + 1n, 1n), 'local')),
    'insufficient-funds',
  );
  t.equal(h.pool.add(stake(ALTO, 1n), 'local').ready, true);
});

test('below-min-stake and insufficient-stake keep Stake and Unstake out of the pool', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, 10n * ALTO);
  t.equal(
    codeOf(() => h.pool.add(stake(ALTO - 1n), 'local')),
    'below-min-stake',
  );
  const unstake = signedTx({ seed: alice.seed, fee: FEE, payload: { type: 7, role: 3, amount: ALTO } });
  t.equal(
    codeOf(() => h.pool.add(unstake, 'local')),
    'insufficient-stake',
  );
  t.equal(h.pool.count, 0);
});
