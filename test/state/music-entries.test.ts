// The music entries of §9.1 written by identities, songs, donations and
// subscriptions (0x02, 0x03, 0x07, 0x0A): keys are prefix ‖ parts, values
// round-trip in §9.1's field order, bad values are refused, and an all-zero
// 0x0A entry is deleted.
import { test } from 'tap';
import {
  decodeIdentity,
  decodeListenerPeriod,
  decodeSong,
  decodeSubscription,
  encodeIdentity,
  encodeListenerPeriod,
  encodeSong,
  encodeSubscription,
  identityKey,
  listenerPeriodKey,
  songKey,
  subscriptionKey,
  type Identity,
  type Song,
} from '../../src/state/music-entries.js';
import { OverlayState } from '../../src/state/view.js';
import { Storage } from '../../src/storage/db.js';
import { tempDir } from '../helpers/temp-dir.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const A = new Uint8Array(20).fill(0xa);
const B = new Uint8Array(20).fill(0xb);
const SONG_ID = new Uint8Array(32).fill(0x5);
const MAX_U128 = (1n << 128n) - 1n;

const IDENTITY: Identity = {
  roles: 3,
  displayName: 'Ünïcødé ♪',
  metadata: new Uint8Array(32).fill(1),
  regHeight: 7n,
};
const SONG: Song = {
  owner: A,
  title: 't'.repeat(128),
  metadata: new Uint8Array(32).fill(2),
  durationS: 7200,
  splits: [
    { account: A, bp: 1 },
    { account: B, bp: 9999 },
  ],
  regHeight: 9n,
};

test('0x02 and 0x03: keys, round-trips, §9.1 field order; bad roles and trailing bytes refused', (t) => {
  t.equal(hex(identityKey(A)), '02' + '0a'.repeat(20));
  t.equal(hex(songKey(SONG_ID)), '03' + '05'.repeat(32));
  const identity = encodeIdentity(IDENTITY);
  t.same(decodeIdentity(identity), IDENTITY);
  t.equal(identity[0], 3, 'roles first');
  t.equal(hex(identity.subarray(identity.length - 8)), '0700000000000000', 'reg_height u64 LE last');
  const badRoles = Uint8Array.from(identity);
  badRoles[0] = 4;
  t.throws(() => decodeIdentity(badRoles), { code: 'bad-flag' });
  const song = encodeSong(SONG);
  t.same(decodeSong(song), SONG);
  t.equal(hex(song.subarray(0, 20)), '0a'.repeat(20), 'owner first');
  t.throws(() => decodeSong(Uint8Array.of(...song, 0)), { code: 'trailing-bytes' });
  t.end();
});

test('0x07 and 0x0A: listener ‖ musician and listener keys; until u64, total_paid u128; seconds u64, support u128', (t) => {
  t.equal(hex(subscriptionKey(A, B)), '07' + '0a'.repeat(20) + '0b'.repeat(20));
  t.equal(hex(listenerPeriodKey(A)), '0a' + '0a'.repeat(20));
  const subscription = { until: 1234n, totalPaid: MAX_U128 };
  t.same(decodeSubscription(encodeSubscription(subscription)), subscription);
  t.equal(encodeSubscription(subscription).length, 24);
  const period = { seconds: 3600n, support: 10n ** 18n };
  t.same(decodeListenerPeriod(encodeListenerPeriod(period)), period);
  t.equal(encodeListenerPeriod(period).length, 24);
  t.end();
});

test('the overlay reads and writes them; a 0x0A entry with both counters zero is deleted', (t) => {
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  const view = new OverlayState(storage.read.state);
  t.equal(view.identity(A), undefined);
  view.setIdentity(A, IDENTITY);
  view.setSong(SONG_ID, SONG);
  view.setSubscription(A, B, { until: 5n, totalPaid: 6n });
  t.same(view.identity(A), IDENTITY);
  t.same(view.song(SONG_ID), SONG);
  t.same(view.subscription(A, B), { until: 5n, totalPaid: 6n });
  t.equal(view.subscription(B, A), undefined, 'the key is ordered: listener, then musician');
  t.same(view.listenerPeriod(A), { seconds: 0n, support: 0n }, 'zeros when absent');
  view.setListenerPeriod(A, { seconds: 0n, support: 3n });
  t.ok(view.get(listenerPeriodKey(A)));
  view.setListenerPeriod(A, { seconds: 0n, support: 0n });
  t.equal(view.get(listenerPeriodKey(A)), undefined);
  t.end();
});
