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
import { ROLE_LISTENER, sameAccount } from '../../consensus/music.js';
import type { Song } from '../../consensus/state-view.js';
import { accountId } from '../../protocol/address.js';
import type { Attestation } from '../../protocol/tx.js';
import { toHex } from '../../util/bytes.js';
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
  const { app } = tx.payload;
  const songs = new Map<string, Song>(); // a report names few songs many times
  for (const a of tx.payload.attestations) {
    const listener = accountId(a.listenerKey);
    view.setSerial(listener, a.serial, a.startS);
    const songKey = toHex(a.songId);
    // The rules found the song (`unknown-song`); no transaction changes a song.
    const song = songs.get(songKey) ?? view.song(a.songId)!;
    songs.set(songKey, song);
    if (counts(view, listener, song, a, limits)) count(view, app, listener, a);
  }
};

/** §4.9's counted-play rules, in the order it lists them. */
function counts(
  view: OverlayState,
  listener: Uint8Array,
  song: Song,
  a: Attestation,
  limits: PlayLimits,
): boolean {
  if (((view.identity(listener)?.roles ?? 0) & ROLE_LISTENER) === 0) return false;
  const seconds = BigInt(a.seconds);
  if (seconds < limits.minSeconds) return false;
  if (holdsRights(listener, song)) return false;
  const end = a.startS + seconds;
  const { before, after } = view.intervalNeighbours(listener, a.startS);
  // Counted intervals never overlap, so only these two can meet [start_s, end).
  if (before !== undefined && before.end > a.startS) return false;
  if (after !== undefined && after.startS < end) return false;
  if (BigInt(view.listenerSong(listener, a.songId).plays) >= limits.maxPlaysPerSong) return false;
  return view.listenerPeriod(listener).seconds + seconds <= limits.maxSecondsPerPeriod;
}

/** The listener is the song's owner or holds a share of its split. */
function holdsRights(listener: Uint8Array, song: Song): boolean {
  return (
    sameAccount(listener, song.owner) || song.splits.some((split) => sameAccount(listener, split.account))
  );
}

/** A counted play: its interval, and its seconds (and one play) on 0x08, 0x09 and 0x0A. */
function count(view: OverlayState, app: Uint8Array, listener: Uint8Array, a: Attestation): void {
  const seconds = BigInt(a.seconds);
  view.setInterval(listener, a.startS, a.serial, a.startS + seconds);
  const song = view.listenerSong(listener, a.songId);
  view.setListenerSong(listener, a.songId, { seconds: song.seconds + seconds, plays: song.plays + 1 });
  view.setAppListenerSeconds(app, listener, view.appListenerSeconds(app, listener) + seconds);
  const period = view.listenerPeriod(listener);
  view.setListenerPeriod(listener, { ...period, seconds: period.seconds + seconds });
}
