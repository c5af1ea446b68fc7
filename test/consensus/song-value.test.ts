import fc from 'fast-check';
import { test } from 'tap';
import { ROLE_LISTENER, ROLE_MUSICIAN } from '../../src/consensus/music.js';
import {
  KIND_APP,
  KIND_LISTENER,
  KIND_MUSICIAN,
  ineligibility,
  settleSongValue,
  type EligibleListener,
  type SongInput,
  type SongValueInputs,
} from '../../src/consensus/song-value.js';

const ALTO = 10n ** 18n;
const MAINNET_MATCH = { musicians: 300n, listeners: 100n, apps: 100n };
const LARGE = { musicians: 10n ** 30n, listeners: 10n ** 30n, apps: 10n ** 30n };

const listener = (
  account: string,
  support: bigint,
  songs: [string, bigint][],
  apps: [string, bigint][],
): EligibleListener => ({
  account,
  support,
  songs: songs.map(([id, seconds]) => ({ id, seconds })),
  apps: apps.map(([id, seconds]) => ({ id, seconds })),
});

const song = (owner: string, splits: [string, number][]): SongInput => ({
  owner,
  splits: splits.map(([account, bp]) => ({ account, bp })),
});

test("§7.3's worked example: X 1.35 ALTO split 0.945 / 0.405, Y 2.25 ALTO", async (t) => {
  const result = settleSongValue({
    pools: LARGE,
    match: MAINNET_MATCH,
    engagementTarget: 36_000n,
    listeners: [
      listener(
        'aa',
        100n * ALTO,
        [
          ['x', 600n],
          ['y', 1800n],
        ],
        [['app', 2400n]],
      ),
      listener('bb', 20n * ALTO, [['x', 300n]], [['app', 300n]]),
    ],
    songs: new Map([
      [
        'x',
        song('owner-x', [
          ['owner-x', 7000],
          ['cowriter', 3000],
        ]),
      ],
      ['y', song('owner-y', [['owner-y', 10_000]])],
    ]),
  });
  t.same(
    result.songs.map((s) => [s.id, s.value]),
    [
      ['x', 45n * ALTO],
      ['y', 75n * ALTO],
    ],
    'value X = 25 + 20, Y = 75 ALTO',
  );
  t.equal(result.musicians.sum, 120n * ALTO, 'S_M = 120 ALTO');
  t.equal(result.musicians.distributed, (36n * ALTO) / 10n, 'D_M = 3.6 ALTO');
  t.same(
    result.credits.filter((c) => c.kind === KIND_MUSICIAN),
    [
      { account: 'owner-x', kind: KIND_MUSICIAN, amount: 945n * 10n ** 15n, song: 'x' },
      { account: 'cowriter', kind: KIND_MUSICIAN, amount: 405n * 10n ** 15n, song: 'x' },
      { account: 'owner-y', kind: KIND_MUSICIAN, amount: 225n * 10n ** 16n, song: 'y' },
    ],
  );
  t.equal(result.musicians.dust, 0n);
});

test('a scripted period: every credit equals the hand computation, all three pools', async (t) => {
  // Eligible listeners (support, seconds per song, seconds per app), ENGAGEMENT_TARGET = 50 s:
  //   L1 1000: S1 40 s, S2 60 s (T = 100), all through A1
  //   L2  300: S1 30 s, S3 70 s (T = 100), A1 30 s, A2 70 s
  //   L3    7: S1 3 s (T = 3), through A2
  // route: L1 → S1 400, S2 600, A1 1000; L2 → S1 90, S3 210, A1 90, A2 210; L3 → S1 7, A2 7.
  // value: S1 497, S2 600, S3 210 (S_M 1307); A1 1090, A2 217 (S_A 1307).
  // w: L1 floor(1000·50/50) = 1000 (T above the target counts as the target), L2 300,
  //    L3 floor(7·3/50) = 0; S_L = 1300.
  // D_M = min(pool 30, floor(1307·300/10⁴) = 39) = 30  — capped by the pool
  // D_L = min(pool 1000, floor(1300·100/10⁴) = 13) = 13 — capped by the match rate
  // D_A = min(pool 5, floor(1307·100/10⁴) = 13) = 5    — capped by the pool
  // m: S1 floor(30·497/1307) = 11, S2 floor(30·600/1307) = 13, S3 floor(30·210/1307) = 4 (dust 2)
  //   S1 (owner M1; M1 5000, M2 5000): 5 + 5, remainder 1 to M1 → M1 6, M2 5
  //   S2 (owner M2; M2 3333, M3 6667): floor(4.3329) = 4, floor(8.6671) = 8, remainder 1 → M2 5, M3 8
  //   S3 (owner M3; M3 10000): 4
  // listeners: L1 floor(13·1000/1300) = 10, L2 floor(13·300/1300) = 3, L3 0 (no credit)
  // apps: A1 floor(5·1090/1307) = 4, A2 floor(5·217/1307) = 0 (dust 1)
  const inputs: SongValueInputs = {
    pools: { musicians: 30n, listeners: 1000n, apps: 5n },
    match: MAINNET_MATCH,
    engagementTarget: 50n,
    listeners: [
      listener(
        'l1',
        1000n,
        [
          ['s1', 40n],
          ['s2', 60n],
        ],
        [['a1', 100n]],
      ),
      listener(
        'l2',
        300n,
        [
          ['s1', 30n],
          ['s3', 70n],
        ],
        [
          ['a1', 30n],
          ['a2', 70n],
        ],
      ),
      listener('l3', 7n, [['s1', 3n]], [['a2', 3n]]),
    ],
    songs: new Map([
      [
        's1',
        song('m1', [
          ['m1', 5000],
          ['m2', 5000],
        ]),
      ],
      [
        's2',
        song('m2', [
          ['m2', 3333],
          ['m3', 6667],
        ]),
      ],
      ['s3', song('m3', [['m3', 10_000]])],
    ]),
  };
  const r = settleSongValue(inputs);
  t.same(
    r.songs.map((s) => [s.id, s.value, s.matched]),
    [
      ['s1', 497n, 11n],
      ['s2', 600n, 13n],
      ['s3', 210n, 4n],
    ],
  );
  t.same(
    r.appValues.map((a) => [a.id, a.value, a.matched]),
    [
      ['a1', 1090n, 4n],
      ['a2', 217n, 0n],
    ],
  );
  t.same(
    r.weights.map((w) => [w.id, w.value, w.matched]),
    [
      ['l1', 1000n, 10n],
      ['l2', 300n, 3n],
      ['l3', 0n, 0n],
    ],
  );
  t.same(r.musicians, { pool: 30n, sum: 1307n, distributed: 30n, paid: 28n, undistributed: 0n, dust: 2n });
  t.same(r.listeners, {
    pool: 1000n,
    sum: 1300n,
    distributed: 13n,
    paid: 13n,
    undistributed: 987n,
    dust: 0n,
  });
  t.same(r.apps, { pool: 5n, sum: 1307n, distributed: 5n, paid: 4n, undistributed: 0n, dust: 1n });
  t.same(r.credits, [
    { account: 'm1', kind: KIND_MUSICIAN, amount: 6n, song: 's1' },
    { account: 'm2', kind: KIND_MUSICIAN, amount: 5n, song: 's1' },
    { account: 'm2', kind: KIND_MUSICIAN, amount: 5n, song: 's2' },
    { account: 'm3', kind: KIND_MUSICIAN, amount: 8n, song: 's2' },
    { account: 'm3', kind: KIND_MUSICIAN, amount: 4n, song: 's3' },
    { account: 'l1', kind: KIND_LISTENER, amount: 10n },
    { account: 'l2', kind: KIND_LISTENER, amount: 3n },
    { account: 'a1', kind: KIND_APP, amount: 4n },
  ]);
});

test('a sum that is 0 distributes nothing: no eligible listener leaves every pool unminted', async (t) => {
  const r = settleSongValue({
    pools: { musicians: 9n, listeners: 8n, apps: 7n },
    match: MAINNET_MATCH,
    engagementTarget: 50n,
    listeners: [],
    songs: new Map(),
  });
  t.same(r.credits, []);
  t.same([r.musicians.undistributed, r.listeners.undistributed, r.apps.undistributed], [9n, 8n, 7n]);
});

test('§7.1 eligibility: role, age, counted seconds, support — the first that fails is the reason', async (t) => {
  const c = 100n;
  const age = 10n;
  const ok = { seconds: 30n, support: 1n };
  const listenerId = { roles: ROLE_LISTENER, regHeight: 90n };
  t.equal(
    ineligibility(listenerId, ok, c, age),
    undefined,
    'reg_height = c − LISTENER_MIN_AGE is old enough',
  );
  t.equal(ineligibility({ roles: ROLE_LISTENER | ROLE_MUSICIAN, regHeight: 0n }, ok, c, age), undefined);
  t.equal(ineligibility(undefined, ok, c, age), 'not-a-listener', 'no identity');
  t.equal(ineligibility({ roles: ROLE_MUSICIAN, regHeight: 0n }, ok, c, age), 'not-a-listener');
  t.equal(ineligibility({ roles: ROLE_LISTENER, regHeight: 91n }, ok, c, age), 'too-young');
  t.equal(ineligibility(listenerId, { seconds: 0n, support: 5n }, c, age), 'no-counted-seconds');
  t.equal(ineligibility(listenerId, { seconds: 30n, support: 0n }, c, age), 'no-support');
  t.equal(
    ineligibility({ roles: ROLE_LISTENER, regHeight: 0n }, ok, 5n, age),
    'too-young',
    'c − LISTENER_MIN_AGE < 0: nobody is old enough yet',
  );
});

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

const periodArb = fc
  .record({
    pools: fc.record({
      musicians: fc.bigInt(0n, 10n ** 24n),
      listeners: fc.bigInt(0n, 10n ** 24n),
      apps: fc.bigInt(0n, 10n ** 24n),
    }),
    match: fc.record({
      musicians: fc.bigInt(0n, 500n),
      listeners: fc.bigInt(0n, 500n),
      apps: fc.bigInt(0n, 500n),
    }),
    engagementTarget: fc.bigInt(1n, 86_400n),
    listeners: fc.array(
      fc.record({
        support: fc.bigInt(0n, 10n ** 24n),
        songs: fc.array(fc.tuple(fc.nat(7), fc.bigInt(0n, 86_400n)), { maxLength: 6 }),
        apps: fc.array(fc.tuple(fc.nat(3), fc.bigInt(0n, 86_400n)), { maxLength: 3 }),
      }),
      { maxLength: 12 },
    ),
    splits: fc.array(fc.array(fc.tuple(fc.nat(5), fc.nat(10_000)), { minLength: 1, maxLength: 4 }), {
      minLength: 8,
      maxLength: 8,
    }),
  })
  .map(({ pools, match, engagementTarget, listeners, splits }) => {
    const songs = new Map<string, SongInput>();
    ids('s', 8).forEach((id, i) => {
      // bp scaled so Σ bp = 10,000, the rounding gap given to the first holder.
      const raw = splits[i]!;
      const total = raw.reduce((n, [, bp]) => n + bp, 0) || 1;
      const bps = raw.map(([, bp]) => Math.floor((bp * 10_000) / total));
      bps[0]! += 10_000 - bps.reduce((n, b) => n + b, 0);
      songs.set(
        id,
        song(
          `m${i}`,
          raw.map(([holder], k) => [`h${holder}`, bps[k]!]),
        ),
      );
    });
    return {
      pools,
      match,
      engagementTarget,
      songs,
      listeners: listeners.map((l, i) =>
        listener(
          `l${String(i).padStart(2, '0')}`,
          l.support,
          [...new Map(l.songs.map(([s, sec]) => [`s${s}`, sec]))],
          [...new Map(l.apps.map(([a, sec]) => [`a${a}`, sec]))],
        ),
      ),
    } satisfies SongValueInputs;
  });

test('property: per pool, Σ credits + undistributed + dust = pool; D never above the pool or the match', async (t) => {
  fc.assert(
    fc.property(periodArb, (inputs) => {
      const r = settleSongValue(inputs);
      const pools = [
        [r.musicians, KIND_MUSICIAN, inputs.pools.musicians, inputs.match.musicians],
        [r.listeners, KIND_LISTENER, inputs.pools.listeners, inputs.match.listeners],
        [r.apps, KIND_APP, inputs.pools.apps, inputs.match.apps],
      ] as const;
      for (const [outcome, kind, pool, rate] of pools) {
        const paid = r.credits.filter((c) => c.kind === kind).reduce((n, c) => n + c.amount, 0n);
        if (paid !== outcome.paid) return false;
        if (paid + outcome.undistributed + outcome.dust !== pool) return false;
        if (outcome.dust < 0n || outcome.undistributed < 0n) return false;
        if (outcome.distributed > pool || outcome.distributed > (outcome.sum * rate) / 10_000n) return false;
      }
      if (r.credits.some((c) => c.amount <= 0n)) return false;
      // Each song's credits add up to its m_s (split floors plus the owner's remainder).
      for (const s of r.songs) {
        const paid = r.credits.filter((c) => c.song === s.id).reduce((n, c) => n + c.amount, 0n);
        if (paid !== s.matched) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('500 random periods');
});

test('speed: 10,000 listeners × 1,000 songs (20 songs each) settle in well under 2 s', async (t) => {
  const songs = new Map<string, SongInput>();
  for (let s = 0; s < 1000; s++)
    songs.set(
      `s${s}`,
      song(`m${s}`, [
        [`m${s}`, 7000],
        [`c${s % 37}`, 3000],
      ]),
    );
  const listeners: EligibleListener[] = [];
  for (let l = 0; l < 10_000; l++) {
    const played: [string, bigint][] = [];
    for (let k = 0; k < 20; k++) played.push([`s${(l * 7 + k * 131) % 1000}`, BigInt(30 + ((l + k) % 200))]);
    listeners.push(listener(`l${l}`, BigInt(l + 1) * ALTO, [...new Map(played)], [[`a${l % 10}`, 1n]]));
  }
  const started = performance.now();
  const r = settleSongValue({
    pools: LARGE,
    match: MAINNET_MATCH,
    engagementTarget: 36_000n,
    listeners,
    songs,
  });
  const ms = performance.now() - started;
  t.equal(r.songs.length, 1000);
  t.ok(ms < 2000, `settled in ${ms.toFixed(0)} ms`);
});
