// The play entries of §9.1 (0x08, 0x09, 0x0B, 0x0C): keys are prefix ‖ parts
// with big-endian integers, so a listener's intervals sort by start_s; values
// round-trip; an all-zero 0x08 or 0x09 entry is deleted.
import { test } from 'tap';
import {
  appListenerKey,
  decodeListenerSong,
  encodeListenerSong,
  intervalKey,
  listenerSongKey,
  serialKey,
  splitAppListenerKey,
  splitIntervalKey,
  splitListenerSongKey,
  splitSerialKey,
} from '../../src/state/play-entries.js';
import { OverlayState } from '../../src/state/view.js';
import { Storage } from '../../src/storage/db.js';
import { tempDir } from '../helpers/temp-dir.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const L = new Uint8Array(20).fill(0xa);
const APP = new Uint8Array(20).fill(0xb);
const SONG_ID = new Uint8Array(32).fill(0x5);

test('keys: prefix ‖ parts, integers big-endian, and they split back', (t) => {
  t.equal(hex(listenerSongKey(L, SONG_ID)), '08' + '0a'.repeat(20) + '05'.repeat(32));
  t.equal(hex(appListenerKey(APP, L)), '09' + '0b'.repeat(20) + '0a'.repeat(20));
  t.equal(hex(intervalKey(L, 0x0102n, 7n)), '0b' + '0a'.repeat(20) + '0000000000000102' + '0000000000000007');
  t.equal(hex(serialKey(L, 1n << 63n)), '0c' + '0a'.repeat(20) + '8000000000000000');
  t.same(splitListenerSongKey(listenerSongKey(L, SONG_ID)), { listener: L, songId: SONG_ID });
  t.same(splitAppListenerKey(appListenerKey(APP, L)), { app: APP, listener: L });
  t.same(splitIntervalKey(intervalKey(L, 99n, 5n)), { listener: L, startS: 99n, serial: 5n });
  t.same(splitSerialKey(serialKey(L, 12n)), { listener: L, serial: 12n });
  // Byte order is numeric order: a later start sorts after, whatever the serial.
  const early = hex(intervalKey(L, 255n, 1n << 60n));
  const late = hex(intervalKey(L, 256n, 0n));
  t.ok(early < late);
  t.end();
});

test('0x08 value: seconds u64 then plays u32, little-endian, trailing bytes refused', (t) => {
  const bytes = encodeListenerSong({ seconds: 300n, plays: 2 });
  t.equal(hex(bytes), '2c01000000000000' + '02000000');
  t.same(decodeListenerSong(bytes), { seconds: 300n, plays: 2 });
  t.throws(() => decodeListenerSong(Uint8Array.of(...bytes, 0)));
  t.end();
});

test('overlay accessors: zeros read back for absent entries, zero counters delete', (t) => {
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  const view = new OverlayState(storage.read.state);
  t.same(view.listenerSong(L, SONG_ID), { seconds: 0n, plays: 0 });
  t.equal(view.appListenerSeconds(APP, L), 0n);
  t.equal(view.serialStart(L, 3n), undefined);
  view.setListenerSong(L, SONG_ID, { seconds: 40n, plays: 1 });
  view.setAppListenerSeconds(APP, L, 40n);
  view.setSerial(L, 3n, 1000n);
  view.setInterval(L, 1000n, 3n, 1040n);
  t.same(view.listenerSong(L, SONG_ID), { seconds: 40n, plays: 1 });
  t.equal(view.appListenerSeconds(APP, L), 40n);
  t.equal(view.serialStart(L, 3n), 1000n);
  t.equal(view.range(intervalKey(L, 0n, 0n), intervalKey(L, 2000n, 0n)).length, 1);
  view.setListenerSong(L, SONG_ID, { seconds: 0n, plays: 0 });
  view.setAppListenerSeconds(APP, L, 0n);
  view.setSerial(L, 3n, undefined);
  view.setInterval(L, 1000n, 3n, undefined);
  t.equal(view.get(listenerSongKey(L, SONG_ID)), undefined);
  t.equal(view.get(appListenerKey(APP, L)), undefined);
  t.equal(view.get(serialKey(L, 3n)), undefined);
  t.equal(view.range(intervalKey(L, 0n, 0n), intervalKey(L, 2000n, 0n)).length, 0);
  t.end();
});
