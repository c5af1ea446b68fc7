// Keys and values of the music entries (PROTOCOL.md §9.1) that identities,
// songs, donations and subscriptions write: 0x02 identities, 0x03 songs,
// 0x07 subscriptions and 0x0A a listener's period totals. Keys are
// big-endian so byte order is numeric order. The play entries (0x08, 0x09,
// 0x0B, 0x0C) belong to PlayReport.
import type { Identity, ListenerPeriod, Song, Subscription } from '../consensus/state-view.js';
import { Reader, Writer } from '../protocol/codec.js';
import { entryKey, getU64, putU64 } from './entries.js';

export type { Identity, ListenerPeriod, Song, Subscription } from '../consensus/state-view.js';

export const PREFIX_IDENTITY = 0x02;
export const PREFIX_SONG = 0x03;
export const PREFIX_SUBSCRIPTION = 0x07;
export const PREFIX_LISTENER_PERIOD = 0x0a;

export { ROLE_LISTENER, ROLE_MUSICIAN } from '../consensus/music.js';

const DISPLAY_NAME_MAX = 64;
const TITLE_MAX = 128;
const SPLITS_MAX = 16;

/** 0x02 ‖ account. */
export function identityKey(account: Uint8Array): Uint8Array {
  return entryKey(PREFIX_IDENTITY, [account]);
}

export function encodeIdentity(identity: Identity): Uint8Array {
  return new Writer()
    .u8(identity.roles)
    .string(identity.displayName, DISPLAY_NAME_MAX)
    .fixed(identity.metadata, 32)
    .u64(identity.regHeight)
    .finish();
}

export function decodeIdentity(bytes: Uint8Array): Identity {
  const r = new Reader(bytes);
  const identity: Identity = {
    roles: r.flag([1, 2, 3], 'roles'),
    displayName: r.string(DISPLAY_NAME_MAX, 'display_name'),
    metadata: r.fixed(32, 'metadata'),
    regHeight: r.u64('reg_height'),
  };
  r.end('identity');
  return identity;
}

/** 0x03 ‖ song_id. */
export function songKey(songId: Uint8Array): Uint8Array {
  return entryKey(PREFIX_SONG, [songId]);
}

export function encodeSong(song: Song): Uint8Array {
  return new Writer()
    .fixed(song.owner, 20)
    .string(song.title, TITLE_MAX)
    .fixed(song.metadata, 32)
    .u32(song.durationS)
    .list(song.splits, SPLITS_MAX, (w, s) => w.fixed(s.account, 20).u16(s.bp))
    .u64(song.regHeight)
    .finish();
}

export function decodeSong(bytes: Uint8Array): Song {
  const r = new Reader(bytes);
  const song: Song = {
    owner: r.fixed(20, 'owner'),
    title: r.string(TITLE_MAX, 'title'),
    metadata: r.fixed(32, 'metadata'),
    durationS: r.u32('duration_s'),
    splits: r.list(
      SPLITS_MAX,
      (lr) => ({ account: lr.fixed(20, 'split account'), bp: lr.u16('bp') }),
      'splits',
    ),
    regHeight: r.u64('reg_height'),
  };
  r.end('song');
  return song;
}

/** 0x07 ‖ listener ‖ musician. */
export function subscriptionKey(listener: Uint8Array, musician: Uint8Array): Uint8Array {
  return entryKey(PREFIX_SUBSCRIPTION, [listener, musician]);
}

export function encodeSubscription(subscription: Subscription): Uint8Array {
  return new Writer().u64(subscription.until).u128(subscription.totalPaid).finish();
}

export function decodeSubscription(bytes: Uint8Array): Subscription {
  const r = new Reader(bytes);
  const subscription = { until: r.u64('until'), totalPaid: r.u128('total_paid') };
  r.end('subscription');
  return subscription;
}

/** 0x0A ‖ listener. */
export function listenerPeriodKey(listener: Uint8Array): Uint8Array {
  return entryKey(PREFIX_LISTENER_PERIOD, [listener]);
}

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/** Written and read directly (a counted play rewrites it); out of range, or another length: the codec, which throws. */
export function encodeListenerPeriod(period: ListenerPeriod): Uint8Array {
  const { seconds, support } = period;
  if (seconds < 0n || seconds > U64_MAX || support < 0n || support > U128_MAX)
    return new Writer().u64(seconds).u128(support).finish();
  const out = new Uint8Array(24);
  putU64(out, 0, seconds, true);
  putU64(out, 8, support, true); // modulo 2^64: the low half
  putU64(out, 16, support >> 64n, true);
  return out;
}

export function decodeListenerPeriod(bytes: Uint8Array): ListenerPeriod {
  if (bytes.length === 24) {
    return {
      seconds: getU64(bytes, 0, true),
      support: getU64(bytes, 8, true) | (getU64(bytes, 16, true) << 64n),
    };
  }
  const r = new Reader(bytes);
  const period = { seconds: r.u64('period seconds'), support: r.u128('support') };
  r.end('listener period');
  return period;
}
