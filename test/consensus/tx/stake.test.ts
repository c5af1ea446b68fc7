import { test } from 'tap';
import type { Account, Bond, Counters, StakeRole, StateView } from '../../../src/consensus/state-view.js';
import { checkTxContext, checkTxSanity } from '../../../src/consensus/tx-rules.js';
import { REGTEST, type NetworkParams } from '../../../src/protocol/params.js';
import type { TxPayload } from '../../../src/protocol/tx.js';
import { EMPTY_COUNTERS } from '../../../src/state/entries.js';
import { IDENTITY_Y_P_PLUS_1 } from '../../helpers/non-canonical-r.js';
import { FAUCET_ACCOUNT, signedTx } from '../../helpers/txs.js';

const ALTO = 10n ** 18n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const IGNORE = { gossip: 'ignore' } as const;
const CONTEXT = { keyHeight: 3n, timeS: 0n };
/** A service key of full order: the public key of a fixed seed. */
const SERVICE_KEY = signedTx({ seed: new Uint8Array(32).fill(7), payload: stakePayload(3, 1n) }).sender;
/** The identity written canonically (y = 1): a curve point of small order (§2.3). */
const SMALL_ORDER_KEY = Uint8Array.from([1, ...new Array<number>(31).fill(0)]);

function stakePayload(role: StakeRole, amount: bigint): TxPayload {
  return role === 2
    ? { type: 6, role, amount, app: { name: 'player', serviceKey: SERVICE_KEY } }
    : { type: 6, role, amount };
}

/** The faucet with plenty of balance and the given bonds. */
function stateWith(bonds: Partial<Record<StakeRole, bigint>> = {}): StateView {
  const account: Account = { balance: 1_000_000n * ALTO, nonce: 0n };
  return {
    account: (id) => (hex(id) === hex(FAUCET_ACCOUNT) ? account : undefined),
    bond: (id, role): Bond | undefined => {
      const bonded = hex(id) === hex(FAUCET_ACCOUNT) ? bonds[role] : undefined;
      return bonded === undefined ? undefined : { bonded, lastEndorsed: 0 };
    },
    counters: (): Counters => EMPTY_COUNTERS,
    epoch: () => undefined,
    proposal: () => undefined,
    param: () => undefined,
    identity: () => undefined,
    song: () => undefined,
    app: () => undefined,
    serialStart: () => undefined,
  };
}

const stake = (role: StakeRole, amount: bigint) => signedTx({ payload: stakePayload(role, amount) });
const unstake = (role: StakeRole, amount: bigint) => signedTx({ payload: { type: 7, role, amount } });

function context(payload: ReturnType<typeof stake>, view: StateView, params: NetworkParams = REGTEST) {
  return (): void => {
    checkTxSanity(payload, params);
    checkTxContext(payload, view, CONTEXT, params);
  };
}

test('Stake and Unstake are active: no tx-type-inactive, each role passes with a valid amount', async (t) => {
  for (const role of [1, 2, 3] as const) {
    t.doesNotThrow(context(stake(role, ALTO), stateWith()), `stake role ${role}`);
    t.doesNotThrow(context(unstake(role, ALTO), stateWith({ [role]: ALTO })), `unstake role ${role}`);
  }
});

test('bad-role: a role other than 1–3 fails sanity (REJECT)', async (t) => {
  for (const role of [0, 4, 255]) {
    const tx = signedTx({ payload: { type: 6, role: role as StakeRole, amount: ALTO } });
    t.throws(
      () => {
        checkTxSanity(tx, REGTEST);
      },
      { code: 'bad-role', gossip: 'reject' },
      `stake role ${role}`,
    );
    const out = signedTx({ payload: { type: 7, role: role as StakeRole, amount: ALTO } });
    t.throws(
      () => {
        checkTxSanity(out, REGTEST);
      },
      { code: 'bad-role' },
      `unstake role ${role}`,
    );
  }
});

test('bad-amount: a stake of 0 fails sanity', async (t) => {
  t.throws(
    () => {
      checkTxSanity(stake(3, 0n), REGTEST);
    },
    { code: 'bad-amount', gossip: 'reject' },
  );
});

test('bad-signature: an app service key that is non-canonical or of small order (§2.3)', async (t) => {
  const withKey = (serviceKey: Uint8Array) =>
    signedTx({ payload: { type: 6, role: 2, amount: ALTO, app: { name: 'player', serviceKey } } });
  t.doesNotThrow(() => {
    checkTxSanity(withKey(SERVICE_KEY), REGTEST);
  });
  t.throws(
    () => {
      checkTxSanity(withKey(IDENTITY_Y_P_PLUS_1), REGTEST);
    },
    { code: 'bad-signature' },
    'y ≥ p',
  );
  t.throws(
    () => {
      checkTxSanity(withKey(SMALL_ORDER_KEY), REGTEST);
    },
    { code: 'bad-signature' },
    'small order',
  );
});

test('below-min-stake: the bond after the move must reach MIN_STAKE[role] (IGNORE)', async (t) => {
  // Mainnet minimums: 10,000 / 1,000 / 5,000 ALTO; the rules read the params passed in.
  const params = { ...REGTEST, minStake: { validator: 100n, app: 50n, infrastructure: 70n } };
  t.throws(context(stake(1, 99n), stateWith(), params), { code: 'below-min-stake', ...IGNORE });
  t.doesNotThrow(context(stake(1, 100n), stateWith(), params), 'exactly the minimum');
  t.doesNotThrow(context(stake(1, 1n), stateWith({ 1: 99n }), params), 'topping up to the minimum');
  t.throws(context(stake(2, 49n), stateWith(), params), { code: 'below-min-stake' });
  t.throws(context(stake(3, 69n), stateWith(), params), { code: 'below-min-stake' });
  t.throws(
    context(stake(3, 69n), stateWith({ 1: 1000n }), params),
    { code: 'below-min-stake' },
    'another role does not count',
  );
});

test('insufficient-stake: unstaking 0, more than bonded, or with nothing bonded', async (t) => {
  t.throws(
    () => {
      checkTxSanity(unstake(1, 0n), REGTEST);
    },
    { code: 'insufficient-stake', gossip: 'reject' },
  );
  t.throws(context(unstake(1, 5n * ALTO + 1n), stateWith({ 1: 5n * ALTO })), {
    code: 'insufficient-stake',
    ...IGNORE,
  });
  t.throws(context(unstake(3, ALTO), stateWith({ 1: 5n * ALTO })), { code: 'insufficient-stake' });
  t.doesNotThrow(context(unstake(1, 5n * ALTO), stateWith({ 1: 5n * ALTO })), 'all of it');
});

test('below-min-stake: a partial unstake must leave 0 or at least the minimum (IGNORE)', async (t) => {
  const params = { ...REGTEST, minStake: { validator: 100n, app: 100n, infrastructure: 100n } };
  t.throws(context(unstake(1, 51n), stateWith({ 1: 150n }), params), { code: 'below-min-stake', ...IGNORE });
  t.doesNotThrow(context(unstake(1, 50n), stateWith({ 1: 150n }), params), 'exactly the minimum left');
  t.doesNotThrow(context(unstake(1, 150n), stateWith({ 1: 150n }), params), 'nothing left');
  // A raise of the minimum (governance, §8.3) makes a small bond unstakable only as a whole.
  const raised = { ...params, minStake: { ...params.minStake, validator: 1000n } };
  t.throws(context(unstake(1, 1n), stateWith({ 1: 150n }), raised), { code: 'below-min-stake' });
  t.doesNotThrow(context(unstake(1, 150n), stateWith({ 1: 150n }), raised));
});

test('insufficient-funds counts the stake: balance ≥ fee + amount', async (t) => {
  const poor: StateView = { ...stateWith(), account: () => ({ balance: ALTO + 999n, nonce: 0n }) };
  t.throws(context(stake(3, ALTO), poor), { code: 'insufficient-funds' }, 'fee 1000 + 1 ALTO');
  const enough: StateView = { ...stateWith(), account: () => ({ balance: ALTO + 1000n, nonce: 0n }) };
  t.doesNotThrow(context(stake(3, ALTO), enough));
  // An unstake debits nothing: only the fee.
  const feeOnly: StateView = {
    ...stateWith({ 3: 2n * ALTO }),
    account: () => ({ balance: 1000n, nonce: 0n }),
  };
  t.doesNotThrow(context(unstake(3, 2n * ALTO), feeOnly));
});
