// §8.3's whitelist: ids, bounds per network, values at genesis, the checks a
// change passes at submission and at apply time, and the value in force.
import { test } from 'tap';
import {
  GOVERNED_PARAMS,
  MATCH_RATE_SUM_MAX_BP,
  PARAM_MATCH_APPS,
  PARAM_MATCH_LISTENERS,
  PARAM_MATCH_MUSICIANS,
  PARAM_MIN_MICROBLOCK_INTERVAL,
  PARAM_MIN_STAKE_APP,
  changeFits,
  checkParamChange,
  paramInForce,
} from '../../src/consensus/governed-params.js';
import { currentMinStake } from '../../src/consensus/stake.js';
import { BASE_UNITS_PER_ALTO } from '../../src/protocol/amount.js';
import { MAINNET, REGTEST } from '../../src/protocol/params.js';

const ALTO = BASE_UNITS_PER_ALTO;

test('the whitelist is ids 1–12 in ascending order, each starting at §12’s value', (t) => {
  t.same(
    GOVERNED_PARAMS.map((p) => p.id),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  t.same(
    GOVERNED_PARAMS.map((p) => [p.name, p.initial(MAINNET)]),
    [
      ['MIN_STAKE_VALIDATOR', 10_000n * ALTO],
      ['MIN_STAKE_APP', 1000n * ALTO],
      ['MIN_STAKE_INFRASTRUCTURE', 5000n * ALTO],
      ['MIN_MICROBLOCK_INTERVAL', 2000n],
      ['MIN_PLAY_SECONDS', 30n],
      ['MAX_PLAYS_PER_SONG_PER_LISTENER', 10n],
      ['MAX_SECONDS_PER_LISTENER_PER_PERIOD', 64_800n],
      ['MATCH_MUSICIANS', 300n],
      ['MATCH_LISTENERS', 100n],
      ['MIN_SUBSCRIPTION_PER_PERIOD', ALTO],
      ['MATCH_APPS', 100n],
      ['ENGAGEMENT_TARGET', 36_000n],
    ],
  );
  t.equal(GOVERNED_PARAMS[9]!.initial(REGTEST), ALTO / 1000n, 'regtest: 0.001 ALTO');
  for (const p of GOVERNED_PARAMS) {
    for (const params of [MAINNET, REGTEST]) {
      const { min, max } = p.bounds(params);
      const initial = p.initial(params);
      t.ok(min <= initial && initial <= max, `${p.name} on ${params.name} starts within its bounds`);
    }
  }
  t.end();
});

test('submission: param-not-allowed outside the whitelist, param-out-of-range outside the bounds', (t) => {
  for (const id of [0, 13, 65_535]) {
    t.throws(() => checkParamChange(id, 1n, MAINNET), { code: 'param-not-allowed' }, `id ${id}`);
  }
  const cases: [number, bigint, boolean][] = [
    [PARAM_MIN_STAKE_APP, ALTO, true],
    [PARAM_MIN_STAKE_APP, ALTO - 1n, false],
    [PARAM_MIN_STAKE_APP, 10_000_000n * ALTO, true],
    [PARAM_MIN_STAKE_APP, 10_000_000n * ALTO + 1n, false],
    [PARAM_MIN_MICROBLOCK_INTERVAL, 500n, true],
    [PARAM_MIN_MICROBLOCK_INTERVAL, 499n, false],
    [PARAM_MIN_MICROBLOCK_INTERVAL, 60_001n, false],
    [PARAM_MATCH_MUSICIANS, 500n, true],
    [PARAM_MATCH_MUSICIANS, 501n, false],
  ];
  for (const [id, value, ok] of cases) {
    if (ok) t.doesNotThrow(() => checkParamChange(id, value, MAINNET), `${id} = ${value}`);
    else
      t.throws(
        () => checkParamChange(id, value, MAINNET),
        { code: 'param-out-of-range' },
        `${id} = ${value}`,
      );
  }
  t.doesNotThrow(() => checkParamChange(PARAM_MIN_MICROBLOCK_INTERVAL, 0n, REGTEST), 'regtest allows 0 ms');
  t.end();
});

test('apply time: a match rate fits only if the three together stay ≤ 500 bp with the others in force', (t) => {
  const inForce = (values: Record<number, bigint>) => (id: number) => values[id] ?? 0n;
  const now = { [PARAM_MATCH_MUSICIANS]: 300n, [PARAM_MATCH_LISTENERS]: 100n, [PARAM_MATCH_APPS]: 100n };
  t.ok(changeFits(PARAM_MATCH_MUSICIANS, 300n, inForce(now), MAINNET), 'the same sum');
  t.notOk(changeFits(PARAM_MATCH_MUSICIANS, 301n, inForce(now), MAINNET), '501 bp');
  t.ok(changeFits(PARAM_MATCH_APPS, 0n, inForce(now), MAINNET), 'lower');
  t.ok(changeFits(PARAM_MATCH_LISTENERS, MATCH_RATE_SUM_MAX_BP - 400n, inForce(now), MAINNET), 'exactly 500');
  t.notOk(changeFits(PARAM_MIN_STAKE_APP, 0n, inForce(now), MAINNET), 'out of its own bounds');
  t.notOk(changeFits(99, 1n, inForce(now), MAINNET), 'not governed');
  t.end();
});

test('the value in force: 0x13 once set, §12 until then; MIN_STAKE reads it', (t) => {
  const values = new Map<number, bigint>();
  const view = { param: (id: number) => values.get(id) };
  t.equal(paramInForce(view, PARAM_MIN_STAKE_APP, MAINNET), 1000n * ALTO);
  values.set(PARAM_MIN_STAKE_APP, 7n * ALTO);
  t.equal(paramInForce(view, PARAM_MIN_STAKE_APP, MAINNET), 7n * ALTO);
  const stateView = {
    account: () => undefined,
    bond: () => undefined,
    counters: () => {
      throw new Error('unused');
    },
    epoch: () => undefined,
    proposal: () => undefined,
    param: view.param,
    identity: () => undefined,
    song: () => undefined,
    app: () => undefined,
    serialStart: () => undefined,
  };
  t.equal(currentMinStake(stateView, 2, MAINNET), 7n * ALTO, 'role 2 is parameter 2');
  t.equal(currentMinStake(stateView, 1, MAINNET), 10_000n * ALTO);
  t.throws(() => paramInForce(view, 99, MAINNET), RangeError);
  t.end();
});
