// Steps 1–2 of a period's settlement (PROTOCOL.md §6.5, §7): the musicians',
// listeners' and apps' pools, paid by consensus/song-value.ts from what
// listeners paid and played. Everything is read from §3.8's snapshot — the
// state after K.prev, before step 1 — in three range reads (0x0A, 0x08, 0x09)
// plus one identity per listener with support and one song per song played,
// so the work is linear in the period's entries. Then the credits are summed
// per (account, kind) into pending entries (§3.10), and the period counters
// 0x08, 0x09 and 0x0A are cleared. The pruning of intervals and serials by
// play_floor is the last act of settlement (settlement.ts).
import {
  PARAM_ENGAGEMENT_TARGET,
  PARAM_MATCH_APPS,
  PARAM_MATCH_LISTENERS,
  PARAM_MATCH_MUSICIANS,
  paramInForce,
} from '../consensus/governed-params.js';
import {
  ineligibility,
  settleSongValue,
  type EligibleListener,
  type Ineligibility,
  type Seconds,
  type SongInput,
  type SongValueResult,
} from '../consensus/song-value.js';
import type { Counters } from '../consensus/state-view.js';
import type { NetworkParams } from '../protocol/params.js';
import { fromHex, toHex } from '../util/bytes.js';
import { PREFIX_LISTENER_PERIOD, decodeListenerPeriod } from './music-entries.js';
import { addPending } from './pending.js';
import {
  PREFIX_APP_LISTENER,
  PREFIX_LISTENER_SONG,
  decodeListenerSong,
  decodeU64,
  splitAppListenerKey,
  splitListenerSongKey,
} from './play-entries.js';
import type { OverlayState } from './view.js';

/** What steps 1–2 read from the snapshot. */
export interface MusicSnapshot {
  /** The period's eligible listeners (§7.1) with their seconds per song and per app, ascending account. */
  readonly eligible: readonly EligibleListener[];
  /** Each listener with support or seconds this period that is not eligible, and why. */
  readonly ineligible: readonly { readonly account: string; readonly reason: Ineligibility }[];
  /** The split of every song an eligible listener counted seconds on. */
  readonly songs: ReadonlyMap<string, SongInput>;
  readonly pools: { readonly musicians: bigint; readonly listeners: bigint; readonly apps: bigint };
  readonly match: { readonly musicians: bigint; readonly listeners: bigint; readonly apps: bigint };
  readonly engagementTarget: bigint;
  /** Every 0x08, 0x09 and 0x0A entry of the period: what clearing deletes. */
  readonly periodEntries: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[];
}

interface Played {
  readonly songs: Seconds[];
  readonly apps: Seconds[];
}

/** Reads steps 1–2's inputs from `view`, the state after K.prev, for the settlement at `c` (§3.8). */
export function readMusicSnapshot(
  view: OverlayState,
  counters: Counters,
  c: bigint,
  params: NetworkParams,
): MusicSnapshot {
  const periodEntries: { key: Uint8Array; value: Uint8Array }[] = [];
  const played = new Map<string, Played>();
  const playedBy = (listener: string): Played => {
    let entry = played.get(listener);
    if (entry === undefined) played.set(listener, (entry = { songs: [], apps: [] }));
    return entry;
  };
  // 0x08 keys sort by listener first: its hex is taken once per listener, not once per song.
  let previous: Uint8Array | undefined;
  let songsOf: Seconds[] = [];
  for (const { key, value } of prefixRange(view, PREFIX_LISTENER_SONG)) {
    periodEntries.push({ key, value });
    const { listener, songId } = splitListenerSongKey(key);
    if (previous === undefined || !sameAccount(previous, listener)) {
      previous = listener;
      songsOf = playedBy(toHex(listener)).songs;
    }
    songsOf.push({ id: toHex(songId), seconds: listenerSongSeconds(value) });
  }
  for (const { key, value } of prefixRange(view, PREFIX_APP_LISTENER)) {
    periodEntries.push({ key, value });
    const { app, listener } = splitAppListenerKey(key);
    playedBy(toHex(listener)).apps.push({ id: toHex(app), seconds: appSeconds(value) });
  }
  const eligible: EligibleListener[] = [];
  const ineligible: { account: string; reason: Ineligibility }[] = [];
  const songs = new Map<string, SongInput>();
  const minAge = BigInt(params.listenerMinAge);
  for (const { key, value } of prefixRange(view, PREFIX_LISTENER_PERIOD)) {
    periodEntries.push({ key, value });
    const listener = key.subarray(1, 21);
    const account = toHex(listener);
    const period = decodeListenerPeriod(value);
    const reason = ineligibility(view.identity(listener), period, c, minAge);
    if (reason !== undefined) {
      ineligible.push({ account, reason });
      continue;
    }
    const { songs: listened, apps } = played.get(account) ?? { songs: [], apps: [] };
    eligible.push({ account, support: period.support, songs: listened, apps });
    for (const { id } of listened) {
      if (songs.has(id)) continue;
      const song = view.song(fromHex(id));
      if (song !== undefined)
        songs.set(id, {
          owner: toHex(song.owner),
          splits: song.splits.map((s) => ({ account: toHex(s.account), bp: s.bp })),
        });
    }
  }
  return {
    eligible,
    ineligible,
    songs,
    pools: { musicians: counters.musicians, listeners: counters.listeners, apps: counters.apps },
    match: {
      musicians: paramInForce(view, PARAM_MATCH_MUSICIANS, params),
      listeners: paramInForce(view, PARAM_MATCH_LISTENERS, params),
      apps: paramInForce(view, PARAM_MATCH_APPS, params),
    },
    engagementTarget: paramInForce(view, PARAM_ENGAGEMENT_TARGET, params),
    periodEntries,
  };
}

/** §7.3 over a snapshot: what steps 1–2 would pay (the API's provisional values use it too). */
export function songValueOf(snapshot: MusicSnapshot): SongValueResult {
  return settleSongValue({
    listeners: snapshot.eligible,
    songs: snapshot.songs,
    pools: snapshot.pools,
    match: snapshot.match,
    engagementTarget: snapshot.engagementTarget,
  });
}

/**
 * Steps 1–2: pays §7.3's credits as pending entries of `c` (summed per account and kind, §6.5) and
 * clears the period counters 0x08, 0x09, 0x0A. Returns the settlement for the period's record.
 */
export function settleMusic(
  view: OverlayState,
  snapshot: MusicSnapshot,
  c: bigint,
  params: NetworkParams,
): SongValueResult {
  const result = songValueOf(snapshot);
  for (const credit of result.credits)
    addPending(view, params, fromHex(credit.account), c, credit.kind, credit.amount);
  view.deleteRead(snapshot.periodEntries);
  return result;
}

/**
 * The u64 (§2.1, little-endian) at the start of a 0x08, 0x09, 0x0B or 0x0C value of `length` bytes,
 * read without a codec Reader: a settlement reads ~10^5 of them. Any other length goes through the
 * codec, which names the fault.
 */
export function leadingU64(value: Uint8Array, length: number, decode: (value: Uint8Array) => bigint): bigint {
  if (value.length !== length) return decode(value);
  const lo = (value[0]! | (value[1]! << 8) | (value[2]! << 16) | (value[3]! << 24)) >>> 0;
  const hi = (value[4]! | (value[5]! << 8) | (value[6]! << 16) | (value[7]! << 24)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function sameAccount(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 20; i++) if (a[i] !== b[i]) return false;
  return true;
}

const listenerSongSeconds = (value: Uint8Array): bigint =>
  leadingU64(value, 12, (v) => decodeListenerSong(v).seconds);
const u64Value =
  (what: string) =>
  (value: Uint8Array): bigint =>
    leadingU64(value, 8, (v) => decodeU64(v, what));
const appSeconds = u64Value('period seconds');

function prefixRange(view: OverlayState, prefix: number): { key: Uint8Array; value: Uint8Array }[] {
  return view.range(Uint8Array.of(prefix), Uint8Array.of(prefix + 1));
}
