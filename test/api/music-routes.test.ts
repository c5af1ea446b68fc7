// GET /musicians/:address, /songs/:id, /listeners/:address, /periods/:n and
// /charts on a chain built by transactions (test/helpers/music-chain.ts): every
// field against a hand computation written here, the provisional values of the
// period's last block equal to what its settlement then records, the rewards
// pending then matured. REGTEST: REWARD_PERIOD 10, REWARD_MATURITY 2.
//
// Hand computation (PROTOCOL.md §4.5, §4.6, §7.3):
//   A donates 60 ALTO to X (split M 70% / C 30%): reserve 6, M 37.8, C 16.2 ALTO
//   A subscribes 40 ALTO to M: M 36 ALTO;  B donates 20 ALTO to M: M 18 ALTO
//   the fan donates 1 ALTO to Z (C's): C 0.9 ALTO
//   → M: donations 55.8, subscriptions 36; C: donations 17.1 ALTO
//   support A = 100, B = 20 ALTO; A counts 600 s on X and 1,800 s on Y, B 300 s on X, L 100 s on X
//   (L paid nothing: not eligible, `no-support`)
//   value X = 25 + 20 = 45, Y = 75 ALTO, S_M = 120 → D_M = 3.6 ALTO; m_X = 1.35, m_Y = 2.25 ALTO
//   kind 5: M 0.945 + 2.25 = 3.195, C 0.405 ALTO
//   w(A) = floor(100·10^18·2,400/36,000), w(B) = floor(20·10^18·300/36,000), D_L = floor(S_L/100)
//   value(app) = 120 ALTO → D_A = 1.2 ALTO
import type { FastifyInstance } from 'fastify';
import { test, type Test } from 'tap';
import type {
  ChartsBody,
  ListenerBody,
  MusicianBody,
  PeriodBody,
  SongBody,
} from '../../src/api-schema/music.js';
import { ROLE_LISTENER, signRegisterIdentity } from '../../src/client/index.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import type { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import {
  ALTO,
  SONG_X,
  SONG_Y,
  SONG_Z,
  keys,
  musicParties,
  payments,
  plays,
  registered,
  type MusicParties,
} from '../helpers/music-chain.js';

const MILLI = 10n ** 15n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const addr = (account: Uint8Array): string => encodeAddress(REGTEST.hrp, account);

const W_A = (100n * ALTO * 2400n) / 36_000n;
const W_B = (20n * ALTO * 300n) / 36_000n;
const S_L = W_A + W_B;
const D_L = (S_L * 100n) / 10_000n;

interface Bodies {
  musician: MusicianBody;
  song: SongBody;
  listener: ListenerBody;
  period: PeriodBody;
  charts: ChartsBody;
}

/** GET `url`, its body read as the schema type of `route`. */
async function get<K extends keyof Bodies>(
  app: FastifyInstance,
  route: K,
  url: string,
): Promise<{ status: number; body: Bodies[K] }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json<Bodies[K]>() };
}

/** The period's chain up to its plays (m3, epoch 3). */
async function played(t: Test): Promise<{ h: ChainHarness; p: MusicParties; app: FastifyInstance }> {
  const p = musicParties();
  const h = registered((fn) => {
    t.teardown(fn);
  }, p);
  payments(h, p);
  plays(h, p);
  return { h, p, app: await apiOnHarness(t, h) };
}

test('GET /musicians/:address: identity, songs, and earnings by source; song rewards pending, then matured', async (t) => {
  const { h, p, app } = await played(t);
  const m = await get(app, 'musician', `/musicians/${addr(p.m.id)}`);
  t.equal(m.status, 200);
  t.same(m.body, {
    address: addr(p.m.id),
    height: 3,
    roles: ['musician'],
    name: 'M',
    regHeight: 2,
    songs: [
      { id: hex(SONG_X), title: 'X', durationS: 600 },
      { id: hex(SONG_Y), title: 'Y', durationS: 1800 },
    ],
    songsTruncated: false,
    earnings: {
      donations: (55_800n * MILLI).toString(),
      subscriptions: (36n * ALTO).toString(),
      songRewards: { credited: '0', pending: '0', matured: '0' },
    },
    incomeCompleteFrom: 0,
    rewardsCompleteFrom: 0,
  });
  const c = await get(app, 'musician', `/musicians/${addr(p.c.id)}`);
  t.same(
    c.body.songs,
    [{ id: hex(SONG_Z), title: 'Z', durationS: 300 }],
    "C's own song only, not X it holds",
  );
  t.equal(c.body.earnings.donations, (17_100n * MILLI).toString(), '30% of X’s 54 ALTO and 90% of Z’s 1');
  t.equal(c.body.earnings.subscriptions, '0');

  keys(h, 'm3', 4, 11);
  const settled = await get(app, 'musician', `/musicians/${addr(p.m.id)}`);
  t.same(
    settled.body.earnings.songRewards,
    { credited: (3195n * MILLI).toString(), pending: (3195n * MILLI).toString(), matured: '0' },
    'kind 5 of X (70% of 1.35) and Y (2.25): pending until 11 + REWARD_MATURITY',
  );
  keys(h, 'k11', 12, 13);
  const matured = await get(app, 'musician', `/musicians/${addr(p.m.id)}`);
  t.same(matured.body.earnings.songRewards, {
    credited: (3195n * MILLI).toString(),
    pending: '0',
    matured: (3195n * MILLI).toString(),
  });
  const cRewards = await get(app, 'musician', `/musicians/${addr(p.c.id)}`);
  t.equal(cRewards.body.earnings.songRewards.credited, (405n * MILLI).toString(), '30% of m_X');
});

test('GET /songs/:id: owner, split, this period’s plays, seconds and provisional value, earnings', async (t) => {
  const { h, p, app } = await played(t);
  const x = await get(app, 'song', `/songs/${hex(SONG_X)}`);
  t.equal(x.status, 200);
  t.same(x.body, {
    id: hex(SONG_X),
    height: 3,
    owner: addr(p.m.id),
    title: 'X',
    durationS: 600,
    regHeight: 2,
    splits: [
      { address: addr(p.m.id), bp: 7000 },
      { address: addr(p.c.id), bp: 3000 },
    ],
    current: {
      period: 0,
      settlesAt: 11,
      plays: 3,
      seconds: 1000,
      value: (45n * ALTO).toString(),
      matched: (1350n * MILLI).toString(),
    },
    earnings: {
      donated: (60n * ALTO).toString(),
      donations: 1,
      paidToHolders: (54n * ALTO).toString(),
      rewards: '0',
    },
    incomeCompleteFrom: 0,
  });
  const z = await get(app, 'song', `/songs/${hex(SONG_Z)}`);
  t.same(z.body.current, { period: 0, settlesAt: 11, plays: 0, seconds: 0, value: '0', matched: '0' });
  t.same(z.body.earnings, {
    donated: ALTO.toString(),
    donations: 1,
    paidToHolders: (900n * MILLI).toString(),
    rewards: '0',
  });
  keys(h, 'm3', 4, 11);
  const after = await get(app, 'song', `/songs/${hex(SONG_X)}`);
  t.same(
    after.body.current,
    { period: 1, settlesAt: 21, plays: 0, seconds: 0, value: '0', matched: '0' },
    'period 1 starts empty',
  );
  t.equal(after.body.earnings.rewards, (1350n * MILLI).toString(), 'm_X from the settlement');
});

test('GET /listeners/:address: eligibility and why not, seconds, support, provisional weight, rewards', async (t) => {
  const { h, p, app } = await played(t);
  const a = await get(app, 'listener', `/listeners/${addr(p.a.id)}`);
  t.equal(a.status, 200);
  t.same(a.body, {
    address: addr(p.a.id),
    height: 3,
    roles: ['listener'],
    regHeight: 2,
    current: {
      period: 0,
      settlesAt: 11,
      seconds: 2400,
      support: (100n * ALTO).toString(),
      weight: W_A.toString(),
      matched: ((D_L * W_A) / S_L).toString(),
    },
    eligible: true,
    reason: null,
    rewards: { credited: '0', pending: '0', matured: '0' },
    rewardsCompleteFrom: 0,
  });
  const l = await get(app, 'listener', `/listeners/${addr(p.l.id)}`);
  t.same(
    [l.body.eligible, l.body.reason, l.body.current.seconds, l.body.current.weight],
    [false, 'no-support', 100, '0'],
    'L played and paid nothing',
  );
  const fan = await get(app, 'listener', `/listeners/${addr(p.fan.id)}`);
  t.same(
    [fan.body.eligible, fan.body.reason, fan.body.roles, fan.body.regHeight, fan.body.current.support],
    [false, 'not-a-listener', [], null, ALTO.toString()],
    'the fan paid without an identity',
  );
  const m = await get(app, 'listener', `/listeners/${addr(p.m.id)}`);
  t.same([m.status, (m.body as unknown as { code: string }).code], [404, 'unknown-listener']);

  keys(h, 'm3', 4, 10);
  // The fan becomes a listener in epoch 10: reg_height 10 > c − LISTENER_MIN_AGE = 9 at c = 11.
  h.micro('m10', 'k10', [
    signRegisterIdentity(p.fan.seed, { roles: ROLE_LISTENER, displayName: 'F' }, p.fan.next()),
  ]);
  const young = await get(app, 'listener', `/listeners/${addr(p.fan.id)}`);
  t.same(
    [young.body.eligible, young.body.reason, young.body.regHeight, young.body.roles],
    [false, 'too-young', 10, ['listener']],
    'registered too late for this period',
  );
  h.key('k11', 'm10', 11);
  const b = await get(app, 'listener', `/listeners/${addr(p.b.id)}`);
  t.same(
    b.body.rewards,
    { credited: ((D_L * W_B) / S_L).toString(), pending: ((D_L * W_B) / S_L).toString(), matured: '0' },
    'kind 6 of the settlement',
  );
  t.same(
    [b.body.eligible, b.body.reason, b.body.current.seconds, b.body.current.support],
    [false, 'no-counted-seconds', 0, '0'],
    'period 1: nothing counted yet',
  );
});

test('the provisional values of the period’s last block are what its settlement records, and GET /periods/:n serves the record', async (t) => {
  const { h, p, app } = await played(t);
  keys(h, 'm3', 4, 10);
  const early = await get(app, 'period', '/periods/0');
  t.same(
    [early.status, (early.body as unknown as { code: string }).code],
    [404, 'period-not-settled'],
    'period 0 settles at 11',
  );
  t.match(
    (early.body as unknown as { message: string }).message,
    /current period is 0, settled at key height 11/,
  );
  const charts = await get(app, 'charts', '/charts');
  const songs = await Promise.all(
    [SONG_X, SONG_Y].map((id) => get(app, 'song', `/songs/${hex(id)}`).then((r) => r.body.current)),
  );
  const listeners = await Promise.all(
    [p.a, p.b].map((party) =>
      get(app, 'listener', `/listeners/${addr(party.id)}`).then((r) => r.body.current),
    ),
  );
  keys(h, 'k10', 11, 11);
  const { status, body } = await get(app, 'period', '/periods/0');
  t.equal(status, 200);
  t.same(
    body.songs,
    [
      { id: hex(SONG_X), value: songs[0]!.value, matched: songs[0]!.matched },
      { id: hex(SONG_Y), value: songs[1]!.value, matched: songs[1]!.matched },
    ],
    'value(s) and m_s as GET /songs/:id had them at k10',
  );
  t.same(
    body.listenerWeights,
    [p.a, p.b]
      .map((party, i) => ({ id: party.id, value: listeners[i]!.weight, matched: listeners[i]!.matched }))
      .sort((x, y) => (hex(x.id) < hex(y.id) ? -1 : 1))
      .map(({ id, value, matched }) => ({ address: addr(id), value, matched })),
    'w(l) and the credit as GET /listeners/:address had them at k10',
  );
  t.same(
    charts.body.songs.map((s) => [s.id, s.value, s.matched, s.plays, s.seconds]),
    [
      [hex(SONG_Y), (75n * ALTO).toString(), (2250n * MILLI).toString(), 1, 1800],
      [hex(SONG_X), (45n * ALTO).toString(), (1350n * MILLI).toString(), 3, 1000],
    ],
    'the chart at k10: Y then X, as recorded',
  );
  // Every field of the record, by hand: pools of 10 regtest key blocks (musicians 2.5, listeners
  // 1.25, apps 1.875 ALTO each).
  t.same(body.pools, {
    musicians: (25n * ALTO).toString(),
    listeners: (12_500n * MILLI).toString(),
    apps: (18_750n * MILLI).toString(),
    infrastructure: body.pools.infrastructure,
    validators: body.pools.validators,
  });
  t.same(body.musicians, {
    pool: (25n * ALTO).toString(),
    sum: (120n * ALTO).toString(),
    distributed: (3600n * MILLI).toString(),
    paid: (3600n * MILLI).toString(),
    undistributed: (21_400n * MILLI).toString(),
    dust: '0',
  });
  const paidL = (D_L * W_A) / S_L + (D_L * W_B) / S_L;
  t.same(body.listeners, {
    pool: (12_500n * MILLI).toString(),
    sum: S_L.toString(),
    distributed: D_L.toString(),
    paid: paidL.toString(),
    undistributed: (12_500n * MILLI - D_L).toString(),
    dust: (D_L - paidL).toString(),
  });
  t.same(body.apps, {
    pool: (18_750n * MILLI).toString(),
    sum: (120n * ALTO).toString(),
    distributed: (1200n * MILLI).toString(),
    paid: (1200n * MILLI).toString(),
    undistributed: (17_550n * MILLI).toString(),
    dust: '0',
  });
  t.same(body.appValues, [
    { address: addr(p.app.id), value: (120n * ALTO).toString(), matched: (1200n * MILLI).toString() },
  ]);
  t.same(
    body.credits
      .filter((c) => c.kind >= 5 && c.kind <= 7)
      .map((c) => [c.address, c.kindName, c.amount, c.song]),
    [
      [addr(p.m.id), 'musician', (945n * MILLI).toString(), hex(SONG_X)],
      [addr(p.c.id), 'musician', (405n * MILLI).toString(), hex(SONG_X)],
      [addr(p.m.id), 'musician', (2250n * MILLI).toString(), hex(SONG_Y)],
      ...[p.a, p.b]
        .map((party) => party.id)
        .sort((x, y) => (hex(x) < hex(y) ? -1 : 1))
        .map((id) => [addr(id), 'listener', ((D_L * (id === p.a.id ? W_A : W_B)) / S_L).toString(), null]),
      [addr(p.app.id), 'app', (1200n * MILLI).toString(), null],
    ],
    'every kind 5–7 credit',
  );
  t.equal(body.height, 11);
  t.equal(body.blockId, hex(h.entry('k11').id));
  const next = await get(app, 'period', '/periods/1');
  t.match(
    (next.body as unknown as { message: string }).message,
    /current period is 1, settled at key height 21/,
  );
});

test('GET /charts: songs of this period by value, ?limit', async (t) => {
  const { p, app } = await played(t);
  const all = await get(app, 'charts', '/charts');
  t.equal(all.status, 200);
  t.same(all.body, {
    height: 3,
    period: 0,
    settlesAt: 11,
    songs: [
      {
        rank: 1,
        id: hex(SONG_Y),
        title: 'Y',
        owner: addr(p.m.id),
        plays: 1,
        seconds: 1800,
        value: (75n * ALTO).toString(),
        matched: (2250n * MILLI).toString(),
      },
      {
        rank: 2,
        id: hex(SONG_X),
        title: 'X',
        owner: addr(p.m.id),
        plays: 3,
        seconds: 1000,
        value: (45n * ALTO).toString(),
        matched: (1350n * MILLI).toString(),
      },
    ],
  });
  const one = await get(app, 'charts', '/charts?limit=1');
  t.same(
    one.body.songs.map((s) => s.id),
    [hex(SONG_Y)],
  );
});
