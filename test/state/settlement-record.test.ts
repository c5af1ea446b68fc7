import { test } from 'tap';
import { KIND_APP, KIND_MUSICIAN, KIND_LISTENER } from '../../src/consensus/song-value.js';
import { KIND_INFRASTRUCTURE } from '../../src/state/entries.js';
import {
  decodeListenerSong,
  decodeU64,
  encodeListenerSong,
  encodeU64,
} from '../../src/state/play-entries.js';
import {
  decodeSettlementRecord,
  encodeSettlementRecord,
  latestSettledPeriod,
  recordSettlement,
  removeSettlement,
  settlementOf,
  type SettlementRecord,
} from '../../src/state/settlement-record.js';
import { leadingU64 } from '../../src/state/settlement-music.js';
import { OverlayState } from '../../src/state/view.js';
import { genesisStorage } from '../helpers/genesis-storage.js';

const bytes = (n: number, length: number): Uint8Array => new Uint8Array(length).fill(n);
const pool = (p: bigint) => ({
  pool: p,
  sum: 2n * p,
  distributed: p / 2n,
  paid: p / 2n - 1n,
  undistributed: p / 2n,
  dust: 1n,
});

function record(period: bigint, blockByte: number): SettlementRecord {
  return {
    period,
    height: (period + 1n) * 10n + 1n,
    blockId: bytes(blockByte, 32),
    pools: { musicians: 10n, listeners: 20n, apps: 30n, infrastructure: 40n, validators: 2n ** 127n },
    musicians: pool(10n),
    listeners: pool(20n),
    apps: pool(30n),
    reserve: 12_345n,
    songs: [{ id: bytes(0x5a, 32), value: 9n, matched: 3n }],
    appValues: [{ id: bytes(0xa1, 20), value: 9n, matched: 4n }],
    weights: [
      { id: bytes(0x11, 20), value: 7n, matched: 5n },
      { id: bytes(0x12, 20), value: 0n, matched: 0n },
    ],
    credits: [
      { account: bytes(1, 20), kind: KIND_MUSICIAN, amount: 2n, song: bytes(0x5a, 32) },
      { account: bytes(2, 20), kind: KIND_MUSICIAN, amount: 1n, song: bytes(0x5a, 32) },
      { account: bytes(0x11, 20), kind: KIND_LISTENER, amount: 5n },
      { account: bytes(0xa1, 20), kind: KIND_APP, amount: 4n },
      { account: bytes(3, 20), kind: KIND_INFRASTRUCTURE, amount: 40n },
    ],
  };
}

test('a settlement record encodes and decodes to itself, kind 5 with its song and the others without', async (t) => {
  const r = record(3n, 0xbb);
  t.same(decodeSettlementRecord(encodeSettlementRecord(r)), r);
  const empty = { ...record(0n, 1), songs: [], appValues: [], weights: [], credits: [] };
  t.same(decodeSettlementRecord(encodeSettlementRecord(empty)), empty);
  const trailing = Uint8Array.of(...encodeSettlementRecord(r), 0);
  t.throws(() => decodeSettlementRecord(trailing), { code: 'trailing-bytes' });
});

test('records by period: the newest one (period 0 included); a disconnect removes only the record its block wrote', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  t.equal(latestSettledPeriod(storage.read.settlements), undefined, 'none yet');
  storage.commit((tables) => {
    recordSettlement(tables.settlements, record(0n, 0xa0));
  });
  t.equal(latestSettledPeriod(storage.read.settlements), 0n, 'period 0, the lower bound of the range');
  storage.commit((tables) => {
    recordSettlement(tables.settlements, record(1n, 0xa1));
    recordSettlement(tables.settlements, record(256n, 0xa2));
  });
  t.equal(latestSettledPeriod(storage.read.settlements), 256n);
  t.same(settlementOf(storage.read.settlements, 1n), record(1n, 0xa1));
  storage.commit((tables) => {
    removeSettlement(tables.settlements, 1n, bytes(0xff, 32));
  });
  t.ok(settlementOf(storage.read.settlements, 1n), 'another block settled it on the best chain: kept');
  storage.commit((tables) => {
    removeSettlement(tables.settlements, 1n, bytes(0xa1, 32));
    removeSettlement(tables.settlements, 7n, bytes(0xa1, 32));
  });
  t.equal(settlementOf(storage.read.settlements, 1n), undefined, 'its own block disconnected: removed');
});

test('OverlayState.deleteRead: what range returned is deleted, with storage values as undo priors', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const key = (n: number): Uint8Array => Uint8Array.of(0x0b, n);
  const seed = new OverlayState(storage.read.state);
  for (let n = 1; n <= 4; n++) seed.set(key(n), Uint8Array.of(n));
  storage.commit((tables) => {
    seed.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  const untouched = view.range(Uint8Array.of(0x0b), Uint8Array.of(0x0c));
  t.same(
    untouched.map((e) => [...e.key]),
    [1, 2, 3, 4].map((n) => [0x0b, n]),
    'nothing written: storage order',
  );
  view.set(key(2), Uint8Array.of(22));
  view.set(key(5), Uint8Array.of(5));
  const read = view.range(Uint8Array.of(0x0b), Uint8Array.of(0x0c));
  t.same(
    read.map((e) => [e.key[1], e.value[0]]),
    [
      [1, 1],
      [2, 22],
      [3, 3],
      [4, 4],
      [5, 5],
    ],
    'overlay writes merged in order',
  );
  view.deleteRead(read.filter((e) => e.key[1]! % 2 === 1 || e.key[1] === 2));
  t.same(
    view.range(Uint8Array.of(0x0b), Uint8Array.of(0x0c)).map((e) => e.key[1]),
    [4],
  );
  const priors = new Map(
    view.undoEntries().map((u) => [u.key[1], u.prior === undefined ? undefined : u.prior[0]]),
  );
  t.same(
    [...priors],
    [
      [2, 2],
      [5, undefined],
      [1, 1],
      [3, 3],
    ],
    'one undo entry per key, the value storage held before the block',
  );
});

test('leadingU64 reads a value’s u64 as the codec does, and leaves other lengths to it', async (t) => {
  for (const v of [0n, 1n, 0xffn, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n + 12_345n, 2n ** 64n - 1n]) {
    t.equal(
      leadingU64(encodeU64(v), 8, (x) => decodeU64(x, 'u64')),
      v,
    );
    t.equal(
      leadingU64(encodeListenerSong({ seconds: v, plays: 7 }), 12, (x) => decodeListenerSong(x).seconds),
      v,
    );
  }
  t.throws(() => leadingU64(Uint8Array.of(1, 2, 3), 8, (x) => decodeU64(x, 'interval end')), {
    code: 'bad-encoding',
  });
});
