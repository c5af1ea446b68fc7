import { test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { REGTEST } from '../../src/protocol/params.js';
import type { Tx, TxPayload } from '../../src/protocol/tx.js';
import { applyTx } from '../../src/state/apply.js';
import {
  bondedOf,
  roleWeightTotal,
  currentMinStake,
  stakeWeight,
  stakeWeightTotal,
  unbondIdleValidators,
  validators,
} from '../../src/state/stake.js';
import { OverlayState } from '../../src/state/view.js';
import { genesisStorage } from '../helpers/genesis-storage.js';
import { FAUCET_ACCOUNT, signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KEY_TIME = 1_767_300_000;
const SERVICE_SEED = new Uint8Array(32).fill(9);

// §9.1 encodings written out by hand: integers little-endian in values, big-endian in keys.
const le = (n: bigint, bytes: number): string =>
  Array.from({ length: bytes }, (_, i) =>
    Number((n >> BigInt(8 * i)) & 0xffn)
      .toString(16)
      .padStart(2, '0'),
  ).join('');
const be = (n: bigint, bytes: number): string =>
  Array.from({ length: bytes }, (_, i) =>
    Number((n >> BigInt(8 * (bytes - 1 - i))) & 0xffn)
      .toString(16)
      .padStart(2, '0'),
  ).join('');

function stateView(t: { teardown(fn: () => unknown): void }): OverlayState {
  return new OverlayState(
    genesisStorage((fn) => {
      t.teardown(fn);
    }).read.state,
  );
}

let nonce = 0n;
function tx(payload: TxPayload): Tx {
  return signedTx({ payload, nonce: nonce++ });
}

function apply(view: OverlayState, payload: TxPayload, keyHeight = 3n): void {
  applyTx(view, tx(payload), { keyHeight, keyTime: KEY_TIME, timeS: 0n }, REGTEST);
}

const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const account = hex(FAUCET_ACCOUNT);

test('Stake effects byte-exact (§9.1): 0x04 bonded with last_endorsed for role 1, 0x06 app record for role 2', async (t) => {
  nonce = 0n;
  const view = stateView(t);
  apply(view, { type: 6, role: 1, amount: 2n * ALTO });
  apply(view, { type: 6, role: 1, amount: 3n });
  const serviceKey = getPublicKey(SERVICE_SEED);
  apply(view, { type: 6, role: 2, amount: ALTO, app: { name: 'Altö', serviceKey } });
  apply(view, { type: 6, role: 3, amount: 5n * ALTO });
  // 0x04 ‖ account ‖ role → bonded u128 (‖ last_endorsed u32 for role 1).
  t.equal(hex(view.get(fromHex(`04${account}01`))!), le(2n * ALTO + 3n, 16) + le(BigInt(KEY_TIME), 4));
  t.equal(hex(view.get(fromHex(`04${account}02`))!), le(ALTO, 16));
  t.equal(hex(view.get(fromHex(`04${account}03`))!), le(5n * ALTO, 16));
  // 0x06 ‖ app account → app_name string(64) (varint length ‖ UTF-8) ‖ service_key [32].
  const name = Buffer.from('Altö', 'utf8');
  t.equal(
    hex(view.get(fromHex(`06${account}`))!),
    name.length.toString(16).padStart(2, '0') + name.toString('hex') + hex(serviceKey),
  );
  // The stake left the balance (plus 4 fees of 1000).
  t.equal(
    view.account(FAUCET_ACCOUNT)!.balance,
    1_000_000n * ALTO - (2n * ALTO + 3n) - ALTO - 5n * ALTO - 4000n,
  );
});

test('Unstake effects byte-exact: the amount leaves 0x04 into 0x05 at c + UNBONDING_PERIOD; a zero bond is deleted', async (t) => {
  nonce = 0n;
  const view = stateView(t);
  apply(view, { type: 6, role: 1, amount: 10n * ALTO });
  apply(view, { type: 7, role: 1, amount: 4n * ALTO }, 7n);
  apply(view, { type: 7, role: 1, amount: ALTO }, 7n);
  // 0x05 ‖ release_height u64 BE ‖ account ‖ role → unbonding u128; one key, the amounts added (§3.10).
  const release = 7n + BigInt(REGTEST.unbondingPeriod);
  t.equal(hex(view.get(fromHex(`05${be(release, 8)}${account}01`))!), le(5n * ALTO, 16));
  t.equal(
    hex(view.get(fromHex(`04${account}01`))!),
    le(5n * ALTO, 16) + le(BigInt(KEY_TIME), 4),
    'last_endorsed stays with the remainder',
  );
  apply(view, { type: 7, role: 1, amount: 5n * ALTO }, 8n);
  t.equal(view.get(fromHex(`04${account}01`)), undefined, 'a bond of 0 is deleted, last_endorsed with it');
  t.equal(hex(view.get(fromHex(`05${be(release + 1n, 8)}${account}01`))!), le(5n * ALTO, 16));
  t.throws(
    () => {
      apply(view, { type: 7, role: 1, amount: 1n }, 8n);
    },
    { code: 'insufficient-stake' },
    'unbonding stake is not bonded',
  );
});

test('weights: w(a, r) is 0 below the current minimum; W(a) sums the roles; validators sorted by account', async (t) => {
  const view = stateView(t);
  const a = new Uint8Array(20).fill(0xaa);
  const b = new Uint8Array(20).fill(0x0b);
  const c = new Uint8Array(20).fill(0xcc);
  view.setBond(a, 1, { bonded: 10n, lastEndorsed: 5 });
  view.setBond(c, 1, { bonded: 30n, lastEndorsed: 5 });
  view.setBond(b, 1, { bonded: 9n, lastEndorsed: 5 });
  view.setBond(a, 3, { bonded: 20n, lastEndorsed: 0 });
  const params = { ...REGTEST, minStake: { validator: 10n, app: 10n, infrastructure: 10n } };
  t.equal(currentMinStake(view, 1, params), 10n);
  t.equal(stakeWeight(view, a, 1, params), 10n, 'at the minimum');
  t.equal(stakeWeight(view, b, 1, params), 0n, 'below it');
  t.equal(stakeWeight(view, a, 2, params), 0n, 'no bond');
  t.equal(stakeWeightTotal(view, a, params), 30n);
  t.same(
    validators(view, params).map((v) => [hex(v.account), v.weight]),
    [
      [hex(a), 10n],
      [hex(c), 30n],
    ],
    'b is below the minimum; a before c by account id',
  );
  const raised = { ...params, minStake: { ...params.minStake, validator: 11n } };
  t.equal(stakeWeight(view, a, 1, raised), 0n, 'a raise of the minimum leaves a weightless');
  t.same(
    validators(view, raised).map((v) => hex(v.account)),
    [hex(c)],
  );
  t.equal(bondedOf(view, 1), 49n, 'bondedOf counts weightless bonds too');
  t.equal(roleWeightTotal(view, 1, params), 40n, 'the weights alone: T of §5.1');
  t.equal(bondedOf(view, 3), 20n);
});

test('unbondIdleValidators moves exactly the bonds with last_endorsed < keyTime − FALLBACK_IDLE_TIME', async (t) => {
  const view = stateView(t);
  const idleS = REGTEST.poa.fallbackIdleS;
  const edge = KEY_TIME - idleS;
  const idle = new Uint8Array(20).fill(1);
  const onEdge = new Uint8Array(20).fill(2);
  const recent = new Uint8Array(20).fill(3);
  const infra = new Uint8Array(20).fill(4);
  view.setBond(idle, 1, { bonded: 7n, lastEndorsed: edge - 1 });
  view.setBond(onEdge, 1, { bonded: 8n, lastEndorsed: edge });
  view.setBond(recent, 1, { bonded: 9n, lastEndorsed: KEY_TIME });
  view.setBond(infra, 3, { bonded: 10n, lastEndorsed: 0 });
  t.equal(unbondIdleValidators(view, KEY_TIME, 40n, REGTEST), 1);
  t.equal(view.bond(idle, 1), undefined);
  t.equal(view.bond(onEdge, 1)?.bonded, 8n, 'last_endorsed = keyTime − idle time is not idle');
  t.equal(view.bond(recent, 1)?.bonded, 9n);
  t.equal(view.bond(infra, 3)?.bonded, 10n, 'other roles are never idle');
  const release = 40n + BigInt(REGTEST.unbondingPeriod);
  t.equal(hex(view.get(fromHex(`05${be(release, 8)}${hex(idle)}01`))!), le(7n, 16));
});
