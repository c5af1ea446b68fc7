// Type 8 PlayReport (PROTOCOL.md §4.9): every attestation's serial is recorded
// (0x0C); then, in list order, a play counts iff the listener holds the
// listener role, it lasts ≥ MIN_PLAY_SECONDS, the listener is neither the
// song's owner nor a split holder, it overlaps none of the listener's counted
// intervals, the listener has counted fewer than MAX_PLAYS_PER_SONG_PER_LISTENER
// plays of the song this period, and the whole play fits under
// MAX_SECONDS_PER_LISTENER_PER_PERIOD (all or nothing). A counted play stores
// its interval (0x0B) and adds to 0x08, 0x09 and 0x0A's seconds. A play that
// does not count is no error: the report stays valid.
import {
  PARAM_MAX_PLAYS_PER_SONG_PER_LISTENER,
  PARAM_MAX_SECONDS_PER_LISTENER_PER_PERIOD,
  PARAM_MIN_PLAY_SECONDS,
  paramInForce,
} from '../../consensus/governed-params.js';
import { attestationListeners } from '../../consensus/attestation.js';
import { ROLE_LISTENER, sameAccount } from '../../consensus/music.js';
import type { ListenerPeriod, Song } from '../../consensus/state-view.js';
import type { Attestation } from '../../protocol/tx.js';
import { toHex } from '../../util/bytes.js';
import type { ListenerSong } from '../play-entries.js';
import type { OverlayState } from '../view.js';
import type { TxEffect } from './tx-effect.js';

interface PlayLimits {
  readonly minSeconds: bigint;
  readonly maxPlaysPerSong: bigint;
  readonly maxSecondsPerPeriod: bigint;
}

export const applyPlayReport: TxEffect<8> = (view, tx, _context, params) => {
  const limits: PlayLimits = {
    minSeconds: paramInForce(view, PARAM_MIN_PLAY_SECONDS, params),
    maxPlaysPerSong: paramInForce(view, PARAM_MAX_PLAYS_PER_SONG_PER_LISTENER, params),
    maxSecondsPerPeriod: paramInForce(view, PARAM_MAX_SECONDS_PER_LISTENER_PER_PERIOD, params),
  };
  const { app, attestations } = tx.payload;
  const listeners = attestationListeners(tx.payload); // hashed once, shared with the rules
  const songs = new Map<string, Song>(); // a report names few songs many times
  let last: { readonly songId: Uint8Array; readonly song: Song } | undefined; // often the same
  attestations.forEach((a, index) => {
    const listener = listeners[index]!;
    view.setSerial(listener, a.serial, a.startS);
    if (last === undefined || !sameAccount(last.songId, a.songId)) {
      const songKey = toHex(a.songId);
      // The rules found the song (`unknown-song`); no transaction changes a song.
      const found = songs.get(songKey) ?? view.song(a.songId)!;
      songs.set(songKey, found);
      last = { songId: a.songId, song: found };
    }
    const { song } = last;
    const counters = counts(view, listener, song, a, limits);
    if (counters !== undefined) count(view, app, listener, a, counters);
  });
};

/** The listener's counters a counted play adds to, as the rules read them. */
interface PlayCounters {
  readonly song: ListenerSong;
  readonly period: ListenerPeriod;
}

/** §4.9's counted-play rules, in the order it lists them: the counters read, if the play counts. */
function counts(
  view: OverlayState,
  listener: Uint8Array,
  song: Song,
  a: Attestation,
  limits: PlayLimits,
): PlayCounters | undefined {
  if ((view.identityRoles(listener) & ROLE_LISTENER) === 0) return undefined;
  const seconds = BigInt(a.seconds);
  if (seconds < limits.minSeconds) return undefined;
  if (holdsRights(listener, song)) return undefined;
  const end = a.startS + seconds;
  const { before, after } = view.intervalNeighbours(listener, a.startS);
  // Counted intervals never overlap, so only these two can meet [start_s, end).
  if (before !== undefined && before.end > a.startS) return undefined;
  if (after !== undefined && after.startS < end) return undefined;
  const listenerSong = view.listenerSong(listener, a.songId);
  if (BigInt(listenerSong.plays) >= limits.maxPlaysPerSong) return undefined;
  const period = view.listenerPeriod(listener);
  if (period.seconds + seconds > limits.maxSecondsPerPeriod) return undefined;
  return { song: listenerSong, period };
}

/** The listener is the song's owner or holds a share of its split. */
function holdsRights(listener: Uint8Array, song: Song): boolean {
  return (
    sameAccount(listener, song.owner) || song.splits.some((split) => sameAccount(listener, split.account))
  );
}

/** A counted play: its interval, and its seconds (and one play) on 0x08, 0x09 and 0x0A. */
function count(
  view: OverlayState,
  app: Uint8Array,
  listener: Uint8Array,
  a: Attestation,
  { song, period }: PlayCounters,
): void {
  const seconds = BigInt(a.seconds);
  view.setInterval(listener, a.startS, a.serial, a.startS + seconds);
  view.setListenerSong(listener, a.songId, { seconds: song.seconds + seconds, plays: song.plays + 1 });
  view.setAppListenerSeconds(app, listener, view.appListenerSeconds(app, listener) + seconds);
  view.setListenerPeriod(listener, { ...period, seconds: period.seconds + seconds });
}
