// Proof of Song Value (PROTOCOL.md §7.1, §7.3): who is eligible, and what the
// musicians', listeners' and apps' pools pay for one reward period. Pure:
// plain inputs in (accounts, songs and apps as lowercase hex), every credit
// out, no state. Settlement (state/settlement-music.ts) reads the inputs from
// §3.8's snapshot and pays the credits; the bench runs this same code.
//
// For each eligible listener l with support(l) and counted seconds sec(l,s)
// per song and sec(l,a) per app, T_l = Σ_s sec(l,s):
//   route(l,s) = floor(support·sec(l,s)/T_l), route(l,a) = floor(support·sec(l,a)/T_l)
//   value(s) = Σ_l route(l,s), value(a) = Σ_l route(l,a), S_M = Σ value(s), S_A = Σ value(a)
//   w(l) = floor(support·min(T_l, E)/E), S_L = Σ w(l)
//   D_M = min(Mu, floor(S_M·MATCH_MUSICIANS/10000)), likewise D_L, D_A
//   m_s = floor(D_M·value(s)/S_M), paid floor(m_s·bp/10000) per split holder
//   (kind 5), the remainder to the owner; floor(D_L·w(l)/S_L) per listener
//   (kind 6); floor(D_A·value(a)/S_A) per app (kind 7).
// A sum that is 0 distributes nothing; pool − D and all dust are never minted.
// Every loop is linear in the number of (listener, song) and (listener, app)
// pairs: values accumulate in maps keyed by hex.
import { ROLE_LISTENER } from './music.js';

/** Reward kinds of §3.10 that settlement's steps 1–2 create; all three mint on maturity. */
export const KIND_MUSICIAN = 5;
export const KIND_LISTENER = 6;
export const KIND_APP = 7;

const BP = 10_000n;

/** Why a listener is not eligible (§7.1), in the order §7.1 lists the conditions. */
export type Ineligibility = 'not-a-listener' | 'too-young' | 'no-counted-seconds' | 'no-support';

/**
 * §7.1 at settlement height `c`: the listener role, reg_height ≤ c − LISTENER_MIN_AGE, counted
 * seconds > 0 and support > 0. Undefined: eligible; else the first condition that fails.
 */
export function ineligibility(
  identity: { readonly roles: number; readonly regHeight: bigint } | undefined,
  period: { readonly seconds: bigint; readonly support: bigint },
  c: bigint,
  listenerMinAge: bigint,
): Ineligibility | undefined {
  if (identity === undefined || (identity.roles & ROLE_LISTENER) === 0) return 'not-a-listener';
  if (identity.regHeight > c - listenerMinAge) return 'too-young';
  if (period.seconds === 0n) return 'no-counted-seconds';
  if (period.support === 0n) return 'no-support';
  return undefined;
}

/** Counted seconds of one listener on one song or through one app. */
export interface Seconds {
  readonly id: string;
  readonly seconds: bigint;
}

/** An eligible listener: its support and counted seconds this period. */
export interface EligibleListener {
  readonly account: string;
  readonly support: bigint;
  readonly songs: readonly Seconds[];
  readonly apps: readonly Seconds[];
}

export interface SongSplitInput {
  readonly account: string;
  readonly bp: number;
}

export interface SongInput {
  readonly owner: string;
  readonly splits: readonly SongSplitInput[];
}

/** The pools and governed values the period settles with (§3.8's snapshot). */
export interface SongValueParams {
  readonly pools: { readonly musicians: bigint; readonly listeners: bigint; readonly apps: bigint };
  /** Basis points (§8.3). */
  readonly match: { readonly musicians: bigint; readonly listeners: bigint; readonly apps: bigint };
  /** ENGAGEMENT_TARGET, seconds (> 0 by §8.3's bounds). */
  readonly engagementTarget: bigint;
}

export interface SongValueInputs extends SongValueParams {
  readonly listeners: readonly EligibleListener[];
  /** Every song a listener counted seconds on, by id. */
  readonly songs: ReadonlyMap<string, SongInput>;
}

/** One credit: an account's pending amount of one kind; kind 5 names the song it came from. */
export interface MusicCredit {
  readonly account: string;
  readonly kind: number;
  readonly amount: bigint;
  readonly song?: string;
}

/** What one pool did: its size, the sum it matches, what it distributed, paid, and left unminted. */
export interface PoolOutcome {
  readonly pool: bigint;
  /** S_M, S_L or S_A. */
  readonly sum: bigint;
  /** D_M, D_L or D_A. */
  readonly distributed: bigint;
  /** Σ of the pool's credits. */
  readonly paid: bigint;
  /** pool − D: never minted. */
  readonly undistributed: bigint;
  /** D − paid: the floors' dust, never minted. */
  readonly dust: bigint;
}

export interface Valued {
  readonly id: string;
  readonly value: bigint;
  /** m_s for a song, what the app or listener was paid otherwise. */
  readonly matched: bigint;
}

export interface SongValueResult {
  readonly musicians: PoolOutcome;
  readonly listeners: PoolOutcome;
  readonly apps: PoolOutcome;
  /** value(s) and m_s of every song with value, ascending id. */
  readonly songs: readonly Valued[];
  /** value(a) and each app's credit, ascending id. */
  readonly appValues: readonly Valued[];
  /** w(l) and each listener's credit, ascending account. */
  readonly weights: readonly Valued[];
  /** Every credit, kind 5 then 6 then 7, each in ascending song/account order; no zero amounts. */
  readonly credits: readonly MusicCredit[];
}

const ascending = <T extends { readonly id: string }>(a: T, b: T): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function add(map: Map<string, bigint>, id: string, amount: bigint): void {
  map.set(id, (map.get(id) ?? 0n) + amount);
}

/** floor(sum·rate/10000) capped by the pool. */
function distributed(pool: bigint, sum: bigint, rateBp: bigint): bigint {
  return min(pool, (sum * rateBp) / BP);
}

/** Settles the three matched pools of §7.3 for one period. */
export function settleSongValue(inputs: SongValueInputs): SongValueResult {
  const songValue = new Map<string, bigint>();
  const appValue = new Map<string, bigint>();
  const weights: Valued[] = [];
  let sumL = 0n;
  const target = inputs.engagementTarget;
  for (const listener of inputs.listeners) {
    let total = 0n;
    for (const s of listener.songs) total += s.seconds;
    if (total === 0n || listener.support === 0n) continue;
    for (const s of listener.songs) add(songValue, s.id, (listener.support * s.seconds) / total);
    for (const a of listener.apps) add(appValue, a.id, (listener.support * a.seconds) / total);
    const weight = (listener.support * min(total, target)) / target;
    weights.push({ id: listener.account, value: weight, matched: 0n });
    sumL += weight;
  }
  const songs = [...songValue].map(([id, value]) => ({ id, value })).sort(ascending);
  const apps = [...appValue].map(([id, value]) => ({ id, value })).sort(ascending);
  weights.sort(ascending);
  const sumM = songs.reduce((n, s) => n + s.value, 0n);
  const sumA = apps.reduce((n, a) => n + a.value, 0n);
  const dM = distributed(inputs.pools.musicians, sumM, inputs.match.musicians);
  const dL = distributed(inputs.pools.listeners, sumL, inputs.match.listeners);
  const dA = distributed(inputs.pools.apps, sumA, inputs.match.apps);

  const credits: MusicCredit[] = [];
  // Kind 5: m_s through the song's split, the remainder to its owner.
  let paidM = 0n;
  const valuedSongs: Valued[] = songs.map(({ id, value }) => {
    const matched = sumM === 0n ? 0n : (dM * value) / sumM;
    const song = inputs.songs.get(id);
    // A song without its 0x03 record cannot occur (songs are never deleted); its share stays unminted.
    if (matched === 0n || song === undefined) return { id, value, matched };
    const perAccount = new Map<string, bigint>();
    let rest = matched;
    for (const split of song.splits) {
      const amount = (matched * BigInt(split.bp)) / BP;
      add(perAccount, split.account, amount);
      rest -= amount;
    }
    add(perAccount, song.owner, rest);
    for (const [account, amount] of perAccount) {
      if (amount === 0n) continue;
      credits.push({ account, kind: KIND_MUSICIAN, amount, song: id });
      paidM += amount;
    }
    return { id, value, matched };
  });
  // Kind 6: floor(D_L·w(l)/S_L).
  let paidL = 0n;
  const paidWeights = weights.map(({ id, value }) => {
    const matched = sumL === 0n ? 0n : (dL * value) / sumL;
    if (matched !== 0n) credits.push({ account: id, kind: KIND_LISTENER, amount: matched });
    paidL += matched;
    return { id, value, matched };
  });
  // Kind 7: floor(D_A·value(a)/S_A).
  let paidA = 0n;
  const valuedApps = apps.map(({ id, value }) => {
    const matched = sumA === 0n ? 0n : (dA * value) / sumA;
    if (matched !== 0n) credits.push({ account: id, kind: KIND_APP, amount: matched });
    paidA += matched;
    return { id, value, matched };
  });
  const outcome = (pool: bigint, sum: bigint, d: bigint, paid: bigint): PoolOutcome => ({
    pool,
    sum,
    distributed: d,
    paid,
    undistributed: pool - d,
    dust: d - paid,
  });
  return {
    musicians: outcome(inputs.pools.musicians, sumM, dM, paidM),
    listeners: outcome(inputs.pools.listeners, sumL, dL, paidL),
    apps: outcome(inputs.pools.apps, sumA, dA, paidA),
    songs: valuedSongs,
    appValues: valuedApps,
    weights: paidWeights,
    credits,
  };
}
