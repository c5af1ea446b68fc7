// A regtest chain through one reward period of the music economy, built by
// transactions only (PROTOCOL.md §4.3–§4.6, §4.9): identities, songs, Donate to
// a song and to a musician, Subscribe, an app's stake, and listener-signed
// PlayReports, with §7.3's worked example as the period's listening.
// REGTEST: REWARD_PERIOD 10, LISTENER_MIN_AGE 2, REWARD_MATURITY 2, PLAY_FEE 0,
// MATCH 300/100/100 bp, ENGAGEMENT_TARGET 36,000 s.
//
//   g ── k1 ── m1 (funds) ── k2 ── m2 (identities, app stake, songs) ── m2b (payments)
//        ── k3 ── m3 (plays) ── k4 … k10 ── (k11: settles period 0)
import type { Tx, TxPayload } from '../../src/protocol/tx.js';
import { ChainHarness, type Teardown } from './chain-harness.js';
import { Party, report } from './plays.js';
import { transfer } from './txs.js';

export const ALTO = 10n ** 18n;
const META = new Uint8Array(32).fill(7);
/** M's, split M 70% / C 30%, 600 s. */
export const SONG_X = new Uint8Array(32).fill(0x5a);
/** M's alone, 1,800 s. */
export const SONG_Y = new Uint8Array(32).fill(0x6b);
/** C's alone, 300 s; no plays. */
export const SONG_Z = new Uint8Array(32).fill(0x7c);

export interface MusicParties {
  /** Musician, owns X (with C) and Y. */
  readonly m: Party;
  /** Musician, holds 30% of X, owns Z. */
  readonly c: Party;
  /** Listeners: A and B pay and play (§7.3's example); L plays and pays nothing. */
  readonly a: Party;
  readonly b: Party;
  readonly l: Party;
  /** Pays Z without registering anything. */
  readonly fan: Party;
  /** The staked app that reports the plays. */
  readonly app: Party;
}

export function musicParties(): MusicParties {
  const [m, c, a, b, l, fan, app] = [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37].map((x) => new Party(x)) as [
    Party,
    Party,
    Party,
    Party,
    Party,
    Party,
    Party,
  ];
  return { m, c, a, b, l, fan, app };
}

const identity = (roles: number, name: string): TxPayload => ({
  type: 2,
  roles,
  displayName: name,
  metadata: META,
});

export const donateSong = (songId: Uint8Array, amount: bigint): TxPayload => ({
  type: 4,
  targetKind: 1,
  target: songId,
  amount,
  memo: new Uint8Array(),
});

export const donateMusician = (musician: Uint8Array, amount: bigint): TxPayload => ({
  type: 4,
  targetKind: 0,
  target: musician,
  amount,
  memo: new Uint8Array(),
});

/** k1, m1 (funds) and k2, m2 (identities, the app's stake, the songs). */
export function registered(teardown: Teardown, p: MusicParties): ChainHarness {
  const h = ChainHarness.open(teardown);
  h.key('k1', 'g', 1);
  const parties = [p.m, p.c, p.a, p.b, p.l, p.fan, p.app];
  h.micro(
    'm1',
    'k1',
    parties.map((party, i) => transfer(party.id, 1000n * ALTO, { nonce: BigInt(i), fee: 1000n })),
  );
  h.key('k2', 'm1', 2);
  const txs: Tx[] = [
    p.m.tx(identity(1, 'M')),
    p.c.tx(identity(1, 'C')),
    p.a.tx(identity(2, 'A')),
    p.b.tx(identity(2, 'B')),
    p.l.tx(identity(2, 'L')),
    p.app.tx({ type: 6, role: 2, amount: ALTO, app: { name: 'player', serviceKey: p.app.key } }),
    p.m.tx({
      type: 3,
      songId: SONG_X,
      title: 'X',
      metadata: META,
      durationS: 600,
      splits: [
        { account: p.m.id, bp: 7000 },
        { account: p.c.id, bp: 3000 },
      ],
    }),
    p.m.tx({
      type: 3,
      songId: SONG_Y,
      title: 'Y',
      metadata: META,
      durationS: 1800,
      splits: [{ account: p.m.id, bp: 10_000 }],
    }),
    p.c.tx({
      type: 3,
      songId: SONG_Z,
      title: 'Z',
      metadata: META,
      durationS: 300,
      splits: [{ account: p.c.id, bp: 10_000 }],
    }),
  ];
  must(h.micro('m2', 'k2', txs), 'm2');
  return h;
}

/**
 * m2b: A donates 60 ALTO to X and subscribes to M for 40 ALTO (support 100 ALTO); B donates 20 ALTO
 * to M (support 20 ALTO); the fan donates 1 ALTO to Z.
 */
export function payments(h: ChainHarness, p: MusicParties, parent = 'm2', name = 'm2b'): void {
  must(
    h.micro(name, parent, [
      p.a.tx(donateSong(SONG_X, 60n * ALTO)),
      p.a.tx({ type: 5, musician: p.m.id, amount: 40n * ALTO, periods: 1 }),
      p.b.tx(donateMusician(p.m.id, 20n * ALTO)),
      p.fan.tx(donateSong(SONG_Z, ALTO)),
    ]),
    name,
  );
}

/**
 * k3, m3: one PlayReport — A plays X 600 s and Y 1,800 s, B plays X 300 s, L plays X 100 s
 * (§7.3's example, and a listener who paid nothing).
 */
export function plays(h: ChainHarness, p: MusicParties, parent = 'm2b'): void {
  h.key('k3', parent, 3);
  const t = (h.entry('k3').timeMs + 1000n) / 1000n;
  must(
    h.micro('m3', 'k3', [
      p.app.tx(
        report(p.app.id, [
          p.a.play(SONG_X, p.app.id, t - 3000n, 600),
          p.a.play(SONG_Y, p.app.id, t - 2400n, 1800),
          p.b.play(SONG_X, p.app.id, t - 1000n, 300),
          p.l.play(SONG_X, p.app.id, t - 1000n, 100),
        ]),
      ),
    ]),
    'm3',
  );
}

/** Key blocks `from`…`to` on `parent`, named k<n>. */
export function keys(h: ChainHarness, parent: string, from: number, to: number): void {
  let at = parent;
  for (let n = from; n <= to; n++) {
    h.key(`k${n}`, at, n);
    at = `k${n}`;
  }
}

function must(result: string, name: string): void {
  if (result !== 'connected' && result !== 'reorged') throw new Error(`${name}: ${result}`);
}
