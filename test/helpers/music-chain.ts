// A regtest chain through one reward period of the music economy, built by
// transactions only, each signed with the client library (src/client/) as a
// music app or a listener's page would sign it (PROTOCOL.md §4.3–§4.6, §4.9):
// identities, songs, Donate to a song and to a musician, Subscribe, an app's
// stake, and listener-signed PlayReports, with §7.3's worked example as the
// period's listening.
// REGTEST: REWARD_PERIOD 10, LISTENER_MIN_AGE 2, REWARD_MATURITY 2, PLAY_FEE 0,
// MATCH 300/100/100 bp, ENGAGEMENT_TARGET 36,000 s.
//
//   g ── k1 ── m1 (funds) ── k2 ── m2 (identities, app stake, songs) ── m2b (payments)
//        ── k3 ── m3 (plays) ── k4 … k10 ── (k11: settles period 0)
import {
  ROLE_LISTENER,
  ROLE_MUSICIAN,
  accountId,
  getPublicKey,
  signAttestation,
  signDonate,
  signPlayReport,
  signRegisterIdentity,
  signRegisterSong,
  signStake,
  signSubscribe,
  type Attestation,
  type Envelope,
  type Tx,
} from '../../src/client/index.js';
import { REGTEST } from '../../src/protocol/params.js';
import { ChainHarness, type Teardown } from './chain-harness.js';
import { transfer } from './txs.js';

export const ALTO = 10n ** 18n;
const FEE = 1000n;
/** M's, split M 70% / C 30%, 600 s. */
export const SONG_X = new Uint8Array(32).fill(0x5a);
/** M's alone, 1,800 s. */
export const SONG_Y = new Uint8Array(32).fill(0x6b);
/** C's alone, 300 s; no plays. */
export const SONG_Z = new Uint8Array(32).fill(0x7c);

/** A party with a seed: signs transactions at its next nonce and plays at its next serial. */
export class Member {
  readonly seed: Uint8Array;
  readonly key: Uint8Array;
  readonly id: Uint8Array;
  private nonce = 0n;
  private serial = 0n;

  constructor(byte: number) {
    this.seed = new Uint8Array(32).fill(byte);
    this.key = getPublicKey(this.seed);
    this.id = accountId(this.key);
  }

  /** The envelope of its next transaction. */
  next(): Envelope {
    return { nonce: this.nonce++, fee: FEE, params: REGTEST };
  }

  /** A play of `songId` through `app`, signed by this listener. */
  play(songId: Uint8Array, app: Uint8Array, startS: bigint, seconds: number): Attestation {
    return signAttestation(this.seed, { songId, startS, seconds, app, serial: this.serial++ }, REGTEST);
  }
}

export interface MusicParties {
  /** Musician, owns X (with C) and Y. */
  readonly m: Member;
  /** Musician, holds 30% of X, owns Z. */
  readonly c: Member;
  /** Listeners: A and B pay and play (§7.3's example); L plays and pays nothing. */
  readonly a: Member;
  readonly b: Member;
  readonly l: Member;
  /** Pays Z without registering anything. */
  readonly fan: Member;
  /** The staked app that reports the plays. */
  readonly app: Member;
}

export function musicParties(): MusicParties {
  const [m, c, a, b, l, fan, app] = [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37].map((x) => new Member(x)) as [
    Member,
    Member,
    Member,
    Member,
    Member,
    Member,
    Member,
  ];
  return { m, c, a, b, l, fan, app };
}

/** `owner` registers a song of `durationS` seconds with `splits`. */
export function song(
  owner: Member,
  songId: Uint8Array,
  title: string,
  durationS: number,
  splits: readonly { readonly account: Uint8Array; readonly bp: number }[],
): Tx {
  return signRegisterSong(owner.seed, { songId, title, durationS, splits }, owner.next());
}

export const donateSong = (from: Member, songId: Uint8Array, amount: bigint): Tx =>
  signDonate(from.seed, { songId, amount }, from.next());

export const donateMusician = (from: Member, musician: Uint8Array, amount: bigint): Tx =>
  signDonate(from.seed, { musician, amount }, from.next());

/** k1, m1 (funds) and k2, m2 (identities, the app's stake, the songs). */
export function registered(teardown: Teardown, p: MusicParties): ChainHarness {
  const h = ChainHarness.open(teardown);
  h.key('k1', 'g', 1);
  const parties = [p.m, p.c, p.a, p.b, p.l, p.fan, p.app];
  h.micro(
    'm1',
    'k1',
    parties.map((party, i) => transfer(party.id, 1000n * ALTO, { nonce: BigInt(i), fee: FEE })),
  );
  h.key('k2', 'm1', 2);
  const identity = (who: Member, roles: number, displayName: string): Tx =>
    signRegisterIdentity(who.seed, { roles, displayName, metadata: new Uint8Array(32).fill(7) }, who.next());
  const txs: Tx[] = [
    identity(p.m, ROLE_MUSICIAN, 'M'),
    identity(p.c, ROLE_MUSICIAN, 'C'),
    identity(p.a, ROLE_LISTENER, 'A'),
    identity(p.b, ROLE_LISTENER, 'B'),
    identity(p.l, ROLE_LISTENER, 'L'),
    signStake(
      p.app.seed,
      { role: 2, amount: ALTO, app: { name: 'player', serviceKey: p.app.key } },
      p.app.next(),
    ),
    song(p.m, SONG_X, 'X', 600, [
      { account: p.m.id, bp: 7000 },
      { account: p.c.id, bp: 3000 },
    ]),
    song(p.m, SONG_Y, 'Y', 1800, [{ account: p.m.id, bp: 10_000 }]),
    song(p.c, SONG_Z, 'Z', 300, [{ account: p.c.id, bp: 10_000 }]),
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
      donateSong(p.a, SONG_X, 60n * ALTO),
      signSubscribe(p.a.seed, { musician: p.m.id, amount: 40n * ALTO, periods: 1 }, p.a.next()),
      donateMusician(p.b, p.m.id, 20n * ALTO),
      donateSong(p.fan, SONG_Z, ALTO),
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
  const attestations = [
    p.a.play(SONG_X, p.app.id, t - 3000n, 600),
    p.a.play(SONG_Y, p.app.id, t - 2400n, 1800),
    p.b.play(SONG_X, p.app.id, t - 1000n, 300),
    p.l.play(SONG_X, p.app.id, t - 1000n, 100),
  ];
  must(
    h.micro('m3', 'k3', [signPlayReport(p.app.seed, { app: p.app.id, attestations }, p.app.next())]),
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
