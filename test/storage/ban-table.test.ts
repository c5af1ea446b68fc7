import { test } from 'tap';
import { BanTable, decodeBanRecord, encodeBanRecord, type BanRecord } from '../../src/storage/ban-table.js';
import { Storage } from '../../src/storage/db.js';
import { tempDir } from '../helpers/temp-dir.js';

const ban = (peer: string, until: number, address: string | null = '10.0.0.1'): BanRecord => ({
  peer,
  address,
  until,
  reason: 'bad-signature',
});

test('a ban record round-trips, with or without an address; bytes that are not one decode to null', async (t) => {
  for (const record of [ban('12D3KooWA', 1_700_000_000_123), ban('12D3KooWB', 5, null), ban('p', 9, '::1')]) {
    const { key, value } = encodeBanRecord(record);
    t.same(decodeBanRecord(key, value), record);
  }
  const { key, value } = encodeBanRecord(ban('p', 9));
  t.equal(decodeBanRecord(key, value.subarray(0, 8)), null, 'shorter than its fixed part');
  t.equal(decodeBanRecord(key, value.subarray(0, 12)), null, 'shorter than its address length says');
  t.equal(decodeBanRecord(Uint8Array.of(0xff), value), null, 'a key that is not UTF-8');
});

test('bans survive reopening the database; expired ones are removed when loaded', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const first = Storage.open(dir);
  const table = new BanTable(first);
  table.put(ban('old', 1_000));
  table.put(ban('live', 5_000));
  table.put(ban('gone', 5_000));
  table.remove('gone');
  first.commit((tables) => {
    tables.bans.put(new TextEncoder().encode('junk'), Uint8Array.of(1, 2));
  });
  await first.close();

  const second = Storage.open(dir);
  t.teardown(() => second.close());
  t.same(new BanTable(second).load(2_000), [ban('live', 5_000)], 'only the ban still running');
  t.same(
    [...second.read.bans.range()].map((e) => new TextDecoder().decode(e.key)),
    ['live'],
    'the expired and the unreadable records are gone from the database',
  );
});
