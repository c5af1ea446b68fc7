// Keys and values of the play entries (PROTOCOL.md §9.1) that PlayReport
// writes (§4.9) and settlement reads, clears and prunes (§6.5, §7.3):
//   0x08 listener ‖ song_id          → period seconds u64, plays u32
//   0x09 app ‖ listener              → period seconds u64
//   0x0B listener ‖ start_s ‖ serial → interval end u64
//   0x0C listener ‖ serial           → start_s u64
// Integers in keys are big-endian so byte order is numeric order: a
// listener's intervals sort by start, and a range read over 0x0B ‖ listener
// walks them in time order.
import { Reader, Writer } from '../protocol/codec.js';
import { entryKey, readU64be, u64be } from './entries.js';

export const PREFIX_LISTENER_SONG = 0x08;
export const PREFIX_APP_LISTENER = 0x09;
export const PREFIX_INTERVAL = 0x0b;
export const PREFIX_SERIAL = 0x0c;

/** A 0x08 entry: a listener's counted seconds and plays of one song this period. */
export interface ListenerSong {
  readonly seconds: bigint;
  readonly plays: number;
}

/** 0x08 ‖ listener ‖ song_id. */
export function listenerSongKey(listener: Uint8Array, songId: Uint8Array): Uint8Array {
  return entryKey(PREFIX_LISTENER_SONG, [listener, songId]);
}

export function encodeListenerSong(entry: ListenerSong): Uint8Array {
  return new Writer().u64(entry.seconds).u32(entry.plays).finish();
}

export function decodeListenerSong(bytes: Uint8Array): ListenerSong {
  const r = new Reader(bytes);
  const entry = { seconds: r.u64('period seconds'), plays: r.u32('plays') };
  r.end('listener song');
  return entry;
}

/** The listener and song of a 0x08 key. */
export function splitListenerSongKey(key: Uint8Array): { listener: Uint8Array; songId: Uint8Array } {
  return { listener: key.subarray(1, 21), songId: key.subarray(21, 53) };
}

/** 0x09 ‖ app ‖ listener. */
export function appListenerKey(app: Uint8Array, listener: Uint8Array): Uint8Array {
  return entryKey(PREFIX_APP_LISTENER, [app, listener]);
}

/** The app and listener of a 0x09 key. */
export function splitAppListenerKey(key: Uint8Array): { app: Uint8Array; listener: Uint8Array } {
  return { app: key.subarray(1, 21), listener: key.subarray(21, 41) };
}

/** A 0x09 value, and a 0x0B interval end or 0x0C start_s: one u64. */
export function encodeU64(value: bigint): Uint8Array {
  return new Writer().u64(value).finish();
}

export function decodeU64(bytes: Uint8Array, what: string): bigint {
  const r = new Reader(bytes);
  const value = r.u64(what);
  r.end(what);
  return value;
}

/** 0x0B ‖ listener ‖ start_s ‖ serial. */
export function intervalKey(listener: Uint8Array, startS: bigint, serial: bigint): Uint8Array {
  return entryKey(PREFIX_INTERVAL, [listener, u64be(startS), u64be(serial)]);
}

/** The listener, start_s and serial of a 0x0B key. */
export function splitIntervalKey(key: Uint8Array): { listener: Uint8Array; startS: bigint; serial: bigint } {
  return { listener: key.subarray(1, 21), startS: readU64be(key, 21), serial: readU64be(key, 29) };
}

/** 0x0C ‖ listener ‖ serial. */
export function serialKey(listener: Uint8Array, serial: bigint): Uint8Array {
  return entryKey(PREFIX_SERIAL, [listener, u64be(serial)]);
}

/** The listener and serial of a 0x0C key. */
export function splitSerialKey(key: Uint8Array): { listener: Uint8Array; serial: bigint } {
  return { listener: key.subarray(1, 21), serial: readU64be(key, 21) };
}
