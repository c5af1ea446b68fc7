// PlayReport (PROTOCOL.md §4.9) through the chain: each fatal rule's code, each
// counted-play rule's not-counted outcome (0x08, 0x09, 0x0A, 0x0B read back
// unchanged while the serial, 0x0C, is recorded), and a reorg's undo.
import { test, type Test } from 'tap';
import { RuleError } from '../../src/protocol/errors.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import type { Attestation, Split, TxPayload } from '../../src/protocol/tx.js';
import { PREFIX_INTERVAL } from '../../src/state/play-entries.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { Party, report } from '../helpers/plays.js';
import { supplyCheckedHarness } from '../helpers/supply.js';
import { transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const META = new Uint8Array(32).fill(7);
const SONG = new Uint8Array(32).fill(0x5a); // 180 s, split: holder 50%, owner 50%
const LONG = new Uint8Array(32).fill(0x6b); // 7,200 s, the owner's alone
const OTHER_SONG = new Uint8Array(32).fill(0x7c); // 600 s, the owner's alone
// §12 (all networks): MIN_PLAY_SECONDS 30, MAX_PLAYS_PER_SONG_PER_LISTENER 10,
// MAX_SECONDS_PER_LISTENER_PER_PERIOD 64,800, PLAY_REPORT_WINDOW 86,400 s.
const WINDOW = 86_400n;

const identity = (roles: number): TxPayload => ({ type: 2, roles, displayName: 'x', metadata: META });
const song = (songId: Uint8Array, splits: readonly Split[], durationS: number): TxPayload => ({
  type: 3,
  songId,
  title: 'a song',
  metadata: META,
  durationS,
  splits,
});

interface Fixture {
  readonly h: ChainHarness;
  /** The staked app, its service key's account, an account with no stake. */
  readonly app: Party;
  readonly service: Party;
  readonly unstaked: Party;
  /** Musician and listener; owns SONG (with holder), LONG and OTHER_SONG. */
  readonly owner: Party;
  /** Listener holding half of SONG's split. */
  readonly holder: Party;
  readonly listener: Party;
  /** A musician without the listener role, and an account with no identity. */
  readonly musician: Party;
  readonly stranger: Party;
}

/**
 *   g -> k1 -> m1 (funds) -> k2 -> m2 (identities, the app stakes) -> m3 (songs)
 */
function fixture(t: Test, params: NetworkParams = REGTEST): Fixture {
  const h = supplyCheckedHarness(t, params);
  const [app, service, unstaked, owner, holder, listener, musician, stranger] = [
    0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
  ].map((byte) => new Party(byte, params)) as [Party, Party, Party, Party, Party, Party, Party, Party];
  const funded = [app, service, unstaked, owner, holder, listener, musician, stranger];
  h.key('k1', 'g', 1);
  h.micro(
    'm1',
    'k1',
    funded.map((p, i) => transfer(p.id, 100n * ALTO, { nonce: BigInt(i), fee: 1000n })),
  );
  h.key('k2', 'm1', 2);
  h.micro('m2', 'k2', [
    owner.tx(identity(3)),
    holder.tx(identity(2)),
    listener.tx(identity(2)),
    musician.tx(identity(1)),
    app.tx({ type: 6, role: 2, amount: ALTO, app: { name: 'player', serviceKey: service.key } }),
  ]);
  const mine = [{ account: owner.id, bp: 10_000 }];
  h.micro('m3', 'm2', [
    owner.tx(
      song(
        SONG,
        [
          { account: holder.id, bp: 5000 },
          { account: owner.id, bp: 5000 },
        ],
        180,
      ),
    ),
    owner.tx(song(LONG, mine, 7200)),
    owner.tx(song(OTHER_SONG, mine, 600)),
  ]);
  return { h, app, service, unstaked, owner, holder, listener, musician, stranger };
}

/** t (§4.1) of the next microblock the harness builds on `parent`: its time is the parent's + 1 s. */
const nextT = (h: ChainHarness, parent: string): bigint => (h.entry(parent).timeMs + 1000n) / 1000n;

/** What a play writes for `listener`: 0x08 of `songId`, 0x09 of `app`, 0x0A, and its 0x0B intervals. */
function counted(h: ChainHarness, listener: Party, songId: Uint8Array, app: Uint8Array) {
  const state = h.chain.state();
  const intervals = state.range(
    Uint8Array.of(PREFIX_INTERVAL, ...listener.id),
    Uint8Array.of(PREFIX_INTERVAL, ...listener.id, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  ).length;
  return {
    song: state.listenerSong(listener.id, songId),
    appSeconds: state.appListenerSeconds(app, listener.id),
    periodSeconds: state.listenerPeriod(listener.id).seconds,
    intervals,
  };
}

const NOTHING = { song: { seconds: 0n, plays: 0 }, appSeconds: 0n, periodSeconds: 0n, intervals: 0 };

/** The RuleError a block carrying `payload` from `from` gets, as code and details. */
function refusal(f: Fixture, parent: string, payload: TxPayload, from: Party = f.app, fee?: bigint) {
  try {
    f.h.micro('refused', parent, [from.tx(payload, { keep: false, ...(fee === undefined ? {} : { fee }) })]);
    return undefined;
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    return { code: error.code, index: error.details['index'] };
  }
}

/** Submits one report of `attestations` by the app in microblock `name` on `parent`. */
function play(f: Fixture, name: string, parent: string, attestations: readonly Attestation[]): void {
  const result = f.h.micro(name, parent, [f.app.tx(report(f.app.id, attestations))]);
  if (result !== 'connected') throw new Error(`${name}: ${result}`);
}

test('a counted play adds seconds and a play to 0x08, seconds to 0x09 and 0x0A, and stores its interval and serial', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, t0 - 100n, 90, 7n)]);
  t.same(counted(f.h, f.listener, SONG, f.app.id), {
    song: { seconds: 90n, plays: 1 },
    appSeconds: 90n,
    periodSeconds: 90n,
    intervals: 1,
  });
  t.equal(f.h.chain.state().serialStart(f.listener.id, 7n), t0 - 100n, 'the serial records start_s');
});

test('too short: a play under MIN_PLAY_SECONDS is not counted, and its serial is recorded', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, t0 - 100n, 29, 1n)]);
  t.same(counted(f.h, f.listener, SONG, f.app.id), NOTHING, '29 s counts nothing');
  t.equal(f.h.chain.state().serialStart(f.listener.id, 1n), t0 - 100n, 'the serial is recorded');
  play(f, 'm5', 'm4', [f.listener.play(SONG, f.app.id, t0 - 50n, 30, 2n)]);
  t.same(counted(f.h, f.listener, SONG, f.app.id).song, { seconds: 30n, plays: 1 }, '30 s counts');
});

test('overlapping window: a play meeting a counted interval of the listener is not counted, from state or from the same report', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const s = t0 - 1000n;
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, s, 100)]); // [s, s+100)
  const t1 = nextT(f.h, 'm4');
  t.ok(t1 > t0);
  play(f, 'm5', 'm4', [
    f.listener.play(SONG, f.app.id, s + 99n, 60), // starts inside: not counted
    f.listener.play(SONG, f.app.id, s - 59n, 60), // ends inside: not counted
    f.listener.play(OTHER_SONG, f.app.id, s - 10n, 200), // covers it: not counted
    f.listener.play(SONG, f.app.id, s, 100), // the same window again: not counted
    f.listener.play(SONG, f.app.id, s + 100n, 50), // [s+100, s+150): touches, counted
    f.listener.play(SONG, f.app.id, s + 120n, 40), // inside the one just counted: not counted
    f.listener.play(SONG, f.app.id, s - 60n, 60), // [s−60, s): touches, counted
  ]);
  const after = counted(f.h, f.listener, SONG, f.app.id);
  t.same(after.song, { seconds: 210n, plays: 3 });
  t.equal(after.periodSeconds, 210n);
  t.equal(after.intervals, 3);
  t.same(counted(f.h, f.listener, OTHER_SONG, f.app.id).song, { seconds: 0n, plays: 0 });
  t.ok(
    f.h.chain.state().serialStart(f.listener.id, 1n) !== undefined,
    "the first overlap's serial is recorded",
  );
  // Another listener's intervals are its own.
  play(f, 'm6', 'm5', [f.holder.play(OTHER_SONG, f.app.id, s, 100)]);
  t.same(counted(f.h, f.holder, OTHER_SONG, f.app.id).song, { seconds: 100n, plays: 1 });
});

test('over the per-song cap: the 11th play of one song in a period is not counted; another song still is', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const plays = Array.from({ length: 11 }, (_, i) =>
    f.listener.play(SONG, f.app.id, t0 - 2000n + BigInt(i) * 60n, 30),
  );
  plays.push(f.listener.play(OTHER_SONG, f.app.id, t0 - 3000n, 30));
  play(f, 'm4', 'm3', plays);
  t.same(counted(f.h, f.listener, SONG, f.app.id).song, { seconds: 300n, plays: 10 });
  t.same(counted(f.h, f.listener, OTHER_SONG, f.app.id).song, { seconds: 30n, plays: 1 });
  t.ok(f.h.chain.state().serialStart(f.listener.id, 10n) !== undefined, "the 11th play's serial is recorded");
  play(f, 'm5', 'm4', [f.listener.play(SONG, f.app.id, t0 - 4000n, 30)]);
  t.same(counted(f.h, f.listener, SONG, f.app.id).song, { seconds: 300n, plays: 10 }, 'nor in a later block');
});

test('over the per-listener cap: a play that would pass MAX_SECONDS_PER_LISTENER_PER_PERIOD is not counted, all or nothing', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const start = t0 - 80_000n;
  // 8 × 7,200 = 57,600 s, then 7,170 → 64,770 s.
  const plays = Array.from({ length: 8 }, (_, i) =>
    f.listener.play(LONG, f.app.id, start + BigInt(i) * 7200n, 7200),
  );
  plays.push(f.listener.play(OTHER_SONG, f.app.id, start + 57_600n, 570));
  plays.push(f.listener.play(LONG, f.app.id, start + 58_170n, 6600));
  play(f, 'm4', 'm3', plays);
  t.equal(counted(f.h, f.listener, LONG, f.app.id).periodSeconds, 64_770n);
  const next = start + 64_770n;
  play(f, 'm5', 'm4', [
    f.listener.play(OTHER_SONG, f.app.id, next, 31), // 64,801 > 64,800: not counted, not cut to 30
    f.listener.play(OTHER_SONG, f.app.id, next + 100n, 30), // exactly 64,800: counted
    f.listener.play(OTHER_SONG, f.app.id, next + 200n, 30), // over: not counted
  ]);
  const after = counted(f.h, f.listener, OTHER_SONG, f.app.id);
  t.equal(after.periodSeconds, 64_800n);
  t.same(after.song, { seconds: 600n, plays: 2 });
  t.equal(after.appSeconds, 64_800n);
  t.equal(f.h.chain.state().serialStart(f.listener.id, 10n), next, "the 31 s play's serial is recorded");
});

test('self-play by owner: the owner listening to its own song is not counted', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  play(f, 'm4', 'm3', [f.owner.play(OTHER_SONG, f.app.id, t0 - 500n, 100, 3n)]);
  t.same(counted(f.h, f.owner, OTHER_SONG, f.app.id), NOTHING);
  t.ok(f.h.chain.state().serialStart(f.owner.id, 3n) !== undefined, 'the serial is recorded');
});

test('self-play by split holder: a holder of a share of the split listening to the song is not counted', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  play(f, 'm4', 'm3', [
    f.holder.play(SONG, f.app.id, t0 - 500n, 100, 4n),
    f.holder.play(LONG, f.app.id, t0 - 300n, 100, 5n), // not its song: counted
  ]);
  t.same(counted(f.h, f.holder, SONG, f.app.id).song, { seconds: 0n, plays: 0 });
  t.same(counted(f.h, f.holder, LONG, f.app.id).song, { seconds: 100n, plays: 1 });
  t.ok(f.h.chain.state().serialStart(f.holder.id, 4n) !== undefined, 'the serial is recorded');
});

test('not a listener: plays by a musician without the listener role, or an account with no identity, are not counted', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  play(f, 'm4', 'm3', [
    f.musician.play(SONG, f.app.id, t0 - 500n, 100, 1n),
    f.stranger.play(SONG, f.app.id, t0 - 500n, 100, 1n),
  ]);
  t.same(counted(f.h, f.musician, SONG, f.app.id), NOTHING);
  t.same(counted(f.h, f.stranger, SONG, f.app.id), NOTHING);
  t.ok(f.h.chain.state().serialStart(f.stranger.id, 1n) !== undefined, 'the serial is recorded');
});

test('unknown-song: an attestation of an unregistered song makes the report invalid', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const digest = f.h.digest();
  const plays = [
    f.listener.play(SONG, f.app.id, t0 - 500n, 100),
    f.listener.play(new Uint8Array(32).fill(0x99), f.app.id, t0 - 300n, 100),
  ];
  t.same(refusal(f, 'm3', report(f.app.id, plays)), { code: 'unknown-song', index: 1 });
  t.equal(f.h.digest(), digest, 'nothing changed');
});

test('play-too-old: start_s before t − PLAY_REPORT_WINDOW makes the report invalid; at the bound it is valid', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const old = [f.listener.play(SONG, f.app.id, t0 - WINDOW - 1n, 100)];
  t.same(refusal(f, 'm3', report(f.app.id, old)), { code: 'play-too-old', index: 0 });
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, t0 - WINDOW, 100)]);
});

test('play-in-future: start_s + seconds past t + 120 makes the report invalid; at the bound it is valid', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const future = [f.listener.play(SONG, f.app.id, t0 + 21n, 100)];
  t.same(refusal(f, 'm3', report(f.app.id, future)), { code: 'play-in-future', index: 0 });
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, t0 + 20n, 100)]);
  t.same(counted(f.h, f.listener, SONG, f.app.id).song, { seconds: 100n, plays: 1 });
});

test('duplicate-play: a (listener, serial) seen in state, or twice in one report, makes the report invalid', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  // Not counted (too short), yet recorded: a replay of it is a duplicate.
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, t0 - 500n, 10, 42n)]);
  const digest = f.h.digest();
  const replay = [
    f.holder.play(LONG, f.app.id, t0 - 400n, 100, 42n), // another listener's serial 42: fine
    f.listener.play(SONG, f.app.id, t0 - 300n, 100, 42n),
  ];
  t.same(refusal(f, 'm4', report(f.app.id, replay)), { code: 'duplicate-play', index: 1 }, 'against state');
  const twice = [
    f.listener.play(SONG, f.app.id, t0 - 300n, 100, 43n),
    f.listener.play(SONG, f.app.id, t0 - 100n, 50, 44n),
    f.listener.play(SONG, f.app.id, t0 - 200n, 50, 43n),
  ];
  t.same(
    refusal(f, 'm4', report(f.app.id, twice)),
    { code: 'duplicate-play', index: 2 },
    'within one report',
  );
  t.equal(f.h.digest(), digest, 'nothing changed');
});

test('bad-attestation-signature: one bad listener signature anywhere in a batch of 1,000 makes the whole report invalid, at its index', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const plays = Array.from({ length: 1000 }, (_, i) =>
    f.listener.play(SONG, f.app.id, t0 - 80_000n + BigInt(i) * 60n, 30),
  );
  const digest = f.h.digest();
  for (const bad of [0, 617, 999]) {
    const forged = plays.map((a, i) =>
      i === bad ? { ...a, sig: Uint8Array.from(a.sig, (b, j) => (j === 40 ? b ^ 1 : b)) } : a,
    );
    t.same(refusal(f, 'm3', report(f.app.id, forged)), { code: 'bad-attestation-signature', index: bad });
  }
  // Another network's signature, and a listener key that is not a curve point.
  const otherNet = new Party(0x46, { ...REGTEST, chainId: 'altostream-testnet' }).play(
    SONG,
    f.app.id,
    t0 - 10n,
    30,
    5000n,
  );
  t.same(refusal(f, 'm3', report(f.app.id, [plays[0]!, otherNet])), {
    code: 'bad-attestation-signature',
    index: 1,
  });
  const noPoint = { ...plays[1]!, listenerKey: new Uint8Array(32).fill(0xff) };
  t.same(refusal(f, 'm3', report(f.app.id, [plays[0]!, noPoint]))?.code, 'bad-attestation-signature');
  t.equal(f.h.digest(), digest, 'nothing changed');
  play(f, 'm4', 'm3', plays);
  t.same(
    counted(f.h, f.listener, SONG, f.app.id).song,
    { seconds: 300n, plays: 10 },
    'the valid batch connects',
  );
});

test('the first failing rule in list order is reported, signatures included', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const good = (serial: bigint) => f.listener.play(SONG, f.app.id, t0 - 1000n + serial * 60n, 30, serial);
  const forge = (a: Attestation): Attestation => ({ ...a, sig: new Uint8Array(64) });
  const unknown = (serial: bigint) =>
    f.listener.play(new Uint8Array(32).fill(0x99), f.app.id, t0 - 900n, 30, serial);
  const refused = (list: Attestation[]) => refusal(f, 'm3', report(f.app.id, list));
  t.same(refused([good(0n), unknown(1n), forge(good(2n))]), { code: 'unknown-song', index: 1 });
  t.same(refused([good(0n), forge(good(1n)), unknown(2n)]), { code: 'bad-attestation-signature', index: 1 });
  // The signature comes before the serial: a forged duplicate is a bad signature.
  t.same(refused([good(0n), forge(good(0n))]), { code: 'bad-attestation-signature', index: 1 });
  t.same(refused([good(0n), good(0n), forge(good(2n))]), { code: 'duplicate-play', index: 1 });
  // The window comes before the signature.
  const old = forge(f.listener.play(SONG, f.app.id, t0 - WINDOW - 1n, 30, 3n));
  t.same(refused([good(0n), old]), { code: 'play-too-old', index: 1 });
});

test('not-app: a report for an account with no app stake is invalid', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const plays = [f.listener.play(SONG, f.unstaked.id, t0 - 100n, 30)];
  t.same(refusal(f, 'm3', report(f.unstaked.id, plays), f.unstaked), { code: 'not-app', index: undefined });
});

test('not-app-key: only the app account or its service key may send its reports; the service key is accepted', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const plays = [f.listener.play(SONG, f.app.id, t0 - 100n, 30)];
  t.equal(refusal(f, 'm3', report(f.app.id, plays), f.unstaked)?.code, 'not-app-key');
  t.equal(refusal(f, 'm3', report(f.app.id, plays), f.listener)?.code, 'not-app-key');
  t.equal(f.h.micro('m4', 'm3', [f.service.tx(report(f.app.id, plays))]), 'connected');
  t.same(counted(f.h, f.listener, SONG, f.app.id).appSeconds, 30n, 'counted for the app, not the key');
});

test('fee-too-low: a fee under count × PLAY_FEE makes the report invalid', async (t) => {
  const params = { ...REGTEST, playFee: 10n ** 13n };
  const f = fixture(t, params);
  const t0 = nextT(f.h, 'm3');
  const plays = [
    f.listener.play(SONG, f.app.id, t0 - 100n, 30),
    f.listener.play(SONG, f.app.id, t0 - 50n, 30),
  ];
  t.equal(refusal(f, 'm3', report(f.app.id, plays), f.app, 2n * 10n ** 13n - 1n)?.code, 'fee-too-low');
  t.equal(f.h.micro('m4', 'm3', [f.app.tx(report(f.app.id, plays), { fee: 2n * 10n ** 13n })]), 'connected');
});

test('bad-attestation: an attestation for another app, of 0 seconds, or longer than the song', async (t) => {
  const f = fixture(t);
  const t0 = nextT(f.h, 'm3');
  const ok = f.listener.play(SONG, f.app.id, t0 - 1000n, 30);
  const cases: [string, Attestation][] = [
    ['another app', f.listener.play(SONG, f.unstaked.id, t0 - 500n, 30)],
    ['0 seconds', f.listener.play(SONG, f.app.id, t0 - 500n, 0)],
    ['longer than the song', f.listener.play(SONG, f.app.id, t0 - 500n, 181)],
  ];
  for (const [what, bad] of cases) {
    t.same(refusal(f, 'm3', report(f.app.id, [ok, bad])), { code: 'bad-attestation', index: 1 }, what);
  }
  play(f, 'm4', 'm3', [f.listener.play(SONG, f.app.id, t0 - 500n, 180)]);
});

test('a reorg of blocks with PlayReports restores the digest of the branch it goes to', async (t) => {
  //   g -> … -> m3 -> k3 -> m4 (reports) -> m5 (reports)
  //                \-> x3 -> x4                           (heavier: the reorg)
  const f = fixture(t);
  f.h.key('k3', 'm3', 3);
  const t0 = nextT(f.h, 'k3');
  play(f, 'm4', 'k3', [
    f.listener.play(SONG, f.app.id, t0 - 500n, 100),
    f.holder.play(LONG, f.app.id, t0 - 500n, 100),
  ]);
  play(f, 'm5', 'm4', [f.listener.play(SONG, f.app.id, t0 - 300n, 100)]);
  t.same(counted(f.h, f.listener, SONG, f.app.id).song, { seconds: 200n, plays: 2 });
  f.h.key('x3', 'm3', 0x33);
  t.equal(f.h.key('x4', 'x3', 0x34), 'reorged');
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(f.h, ['k1', 'm1', 'k2', 'm2', 'm3', 'x3', 'x4']);
  t.equal(f.h.digest(), fresh.digest(), 'the digest of the branch without the reports');
  t.same(counted(f.h, f.listener, SONG, f.app.id), NOTHING);
  t.equal(f.h.chain.state().serialStart(f.listener.id, 0n), undefined, 'serials undone');
});
