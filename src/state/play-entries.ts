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
import { entryKey, getU64, putU64, readU64be } from './entries.js';

export const PREFIX_LISTENER_SONG = 0x08;
export const PREFIX_APP_LISTENER = 0x09;
export const PREFIX_INTERVAL = 0x0b;
export const PREFIX_SERIAL = 0x0c;

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffffffff;
/** Room for a u64 in a key, filled in place. */
const EIGHT_ZEROS = new Uint8Array(8);

/** A 0x08 entry: a listener's counted seconds and plays of one song this period. */
export interface ListenerSong {
  readonly seconds: bigint;
  readonly plays: number;
}

/** 0x08 ‖ listener ‖ song_id. */
export function listenerSongKey(listener: Uint8Array, songId: Uint8Array): Uint8Array {
  return entryKey(PREFIX_LISTENER_SONG, [listener, songId]);
}

// The encoders and decoders below write and read their fixed layouts directly (a counted play
// writes four entries); a value out of range, or bytes of another length, go through the codec,
// which throws and names the fault.

export function encodeListenerSong(entry: ListenerSong): Uint8Array {
  const { seconds, plays } = entry;
  if (seconds < 0n || seconds > U64_MAX || !Number.isInteger(plays) || plays < 0 || plays > U32_MAX)
    return new Writer().u64(seconds).u32(plays).finish();
  const out = new Uint8Array(12);
  putU64(out, 0, seconds, true);
  for (let i = 0; i < 4; i++) out[8 + i] = (plays >>> (8 * i)) & 0xff;
  return out;
}

export function decodeListenerSong(bytes: Uint8Array): ListenerSong {
  if (bytes.length === 12) {
    const plays = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0;
    return { seconds: getU64(bytes, 0, true), plays };
  }
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
  if (value < 0n || value > U64_MAX) return new Writer().u64(value).finish();
  const out = new Uint8Array(8);
  putU64(out, 0, value, true);
  return out;
}

export function decodeU64(bytes: Uint8Array, what: string): bigint {
  if (bytes.length === 8) return getU64(bytes, 0, true);
  const r = new Reader(bytes);
  const value = r.u64(what);
  r.end(what);
  return value;
}

/** 0x0B ‖ listener ‖ start_s ‖ serial. */
export function intervalKey(listener: Uint8Array, startS: bigint, serial: bigint): Uint8Array {
  const key = entryKey(PREFIX_INTERVAL, [listener, EIGHT_ZEROS, EIGHT_ZEROS]);
  putU64(key, 1 + listener.length, startS, false);
  putU64(key, 9 + listener.length, serial, false);
  return key;
}

/** The listener, start_s and serial of a 0x0B key. */
export function splitIntervalKey(key: Uint8Array): { listener: Uint8Array; startS: bigint; serial: bigint } {
  return { listener: key.subarray(1, 21), startS: readU64be(key, 21), serial: readU64be(key, 29) };
}

/** 0x0C ‖ listener ‖ serial. */
export function serialKey(listener: Uint8Array, serial: bigint): Uint8Array {
  const key = entryKey(PREFIX_SERIAL, [listener, EIGHT_ZEROS]);
  putU64(key, 1 + listener.length, serial, false);
  return key;
}

/** The listener and serial of a 0x0C key. */
export function splitSerialKey(key: Uint8Array): { listener: Uint8Array; serial: bigint } {
  return { listener: key.subarray(1, 21), serial: readU64be(key, 21) };
}
