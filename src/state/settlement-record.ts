// The settlement records (storage/layout.ts, `settlements`): what each period's
// settlement did (PROTOCOL.md §6.5: "per-recipient lists go to a history index
// outside the state digest"), one record per period, for the API's
// GET /periods/:n and /charts. Not consensus data: written by the transition
// of the block that ran KeyConnect(c) for a settlement height c, in the same
// transaction as the state, and removed when that block is disconnected — so
// after a reorg the record is the one of the branch now best. A period settled
// before this index existed has no record.
import type { PoolOutcome } from '../consensus/song-value.js';
import type { Counters } from '../consensus/state-view.js';
import { Reader, Writer } from '../protocol/codec.js';
import type { Table, WritableTable } from '../storage/db.js';
import { equalBytes, fromHex } from '../util/bytes.js';
import type { PeriodSettlement, SettlementCredit } from './settlement.js';

/** What one pool did (§7.3): the sum it matches (S), what it distributed (D), paid, and never minted. */
export type PoolRecord = PoolOutcome;

export interface ValueRecord {
  /** A song id [32], an app or a listener account [20]. */
  readonly id: Uint8Array;
  /** value(s), value(a) or w(l). */
  readonly value: bigint;
  /** m_s for a song; what the app or listener was paid. */
  readonly matched: bigint;
}

export interface SettlementRecord {
  readonly period: bigint;
  /** The settlement height c = (period + 1)·REWARD_PERIOD + 1. */
  readonly height: bigint;
  /** The block whose transition ran KeyConnect(c): the key block, or an endorsed key block's M_{h,0}. */
  readonly blockId: Uint8Array;
  readonly pools: Pick<Counters, 'musicians' | 'listeners' | 'apps' | 'infrastructure' | 'validators'>;
  readonly musicians: PoolRecord;
  readonly listeners: PoolRecord;
  readonly apps: PoolRecord;
  /** The reserve's balance R that voting rewards shared (§8.4). */
  readonly reserve: bigint;
  /** value(s) and m_s per song, ascending id. */
  readonly songs: readonly ValueRecord[];
  /** value(a) and the credit per app, ascending account. */
  readonly appValues: readonly ValueRecord[];
  /** w(l) and the credit per eligible listener, ascending account. */
  readonly weights: readonly ValueRecord[];
  /** Every credit of steps 1–5, kind 5 with its song. */
  readonly credits: readonly SettlementCredit[];
}

/**
 * Bounds of the record's lists, for the decoder only: the writer writes what settlement paid. 2^32 − 1
 * is far above any period (10,000 listeners × 1,000 songs is ~10^5 entries), so it never refuses one.
 */
const LIST_MAX = 0xffff_ffff;
const NO_SONG = 0;
const WITH_SONG = 1;

function periodKey(period: bigint): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, period);
  return key;
}

/** The record of `settlement`, settled by the block `blockId`. */
export function settlementRecord(settlement: PeriodSettlement, blockId: Uint8Array): SettlementRecord {
  const values = (list: readonly { id: string; value: bigint; matched: bigint }[]): ValueRecord[] =>
    list.map(({ id, value, matched }) => ({ id: fromHex(id), value, matched }));
  const { music } = settlement;
  return {
    period: settlement.period,
    height: settlement.height,
    blockId,
    pools: settlement.pools,
    musicians: music.musicians,
    listeners: music.listeners,
    apps: music.apps,
    reserve: settlement.reserve,
    songs: values(music.songs),
    appValues: values(music.appValues),
    weights: values(music.weights),
    credits: settlement.credits,
  };
}

function writePool(w: Writer, pool: PoolRecord): void {
  w.u128(pool.pool).u128(pool.sum).u128(pool.distributed).u128(pool.paid);
  w.u128(pool.undistributed).u128(pool.dust);
}

function readPool(r: Reader): PoolRecord {
  return {
    pool: r.u128(),
    sum: r.u128(),
    distributed: r.u128(),
    paid: r.u128(),
    undistributed: r.u128(),
    dust: r.u128(),
  };
}

export function encodeSettlementRecord(record: SettlementRecord): Uint8Array {
  const w = new Writer().u64(record.period).u64(record.height).fixed(record.blockId, 32);
  const { pools } = record;
  w.u128(pools.musicians).u128(pools.listeners).u128(pools.apps);
  w.u128(pools.infrastructure).u128(pools.validators);
  writePool(w, record.musicians);
  writePool(w, record.listeners);
  writePool(w, record.apps);
  w.u128(record.reserve);
  const value = (size: number) => (lw: Writer, v: ValueRecord) =>
    lw.fixed(v.id, size).u128(v.value).u128(v.matched);
  w.list(record.songs, LIST_MAX, value(32));
  w.list(record.appValues, LIST_MAX, value(20));
  w.list(record.weights, LIST_MAX, value(20));
  w.list(record.credits, LIST_MAX, (lw, c) => {
    lw.fixed(c.account, 20).u8(c.kind).u128(c.amount);
    if (c.song === undefined) lw.u8(NO_SONG);
    else lw.u8(WITH_SONG).fixed(c.song, 32);
  });
  return w.finish();
}

export function decodeSettlementRecord(bytes: Uint8Array): SettlementRecord {
  const r = new Reader(bytes);
  const period = r.u64();
  const height = r.u64();
  const blockId = r.fixed(32);
  const pools = {
    musicians: r.u128(),
    listeners: r.u128(),
    apps: r.u128(),
    infrastructure: r.u128(),
    validators: r.u128(),
  };
  const musicians = readPool(r);
  const listeners = readPool(r);
  const apps = readPool(r);
  const reserve = r.u128();
  const value = (size: number) => (lr: Reader) => ({
    id: lr.fixed(size),
    value: lr.u128(),
    matched: lr.u128(),
  });
  const songs = r.list(LIST_MAX, value(32));
  const appValues = r.list(LIST_MAX, value(20));
  const weights = r.list(LIST_MAX, value(20));
  const credits = r.list(LIST_MAX, (lr) => {
    const account = lr.fixed(20);
    const kind = lr.u8();
    const amount = lr.u128();
    return lr.flag([NO_SONG, WITH_SONG], 'song flag') === WITH_SONG
      ? { account, kind, amount, song: lr.fixed(32) }
      : { account, kind, amount };
  });
  r.end('settlement record');
  return {
    period,
    height,
    blockId,
    pools,
    musicians,
    listeners,
    apps,
    reserve,
    songs,
    appValues,
    weights,
    credits,
  };
}

/** Written by the transition that ran the settlement, beside the state it wrote. */
export function recordSettlement(table: WritableTable, record: SettlementRecord): void {
  table.put(periodKey(record.period), encodeSettlementRecord(record));
}

/** Before block `blockId` at a settlement height is undone: its period's record leaves with it. */
export function removeSettlement(table: WritableTable, period: bigint, blockId: Uint8Array): void {
  const key = periodKey(period);
  const stored = table.get(key);
  if (stored !== undefined && equalBytes(stored.subarray(16, 48), blockId)) table.remove(key);
}

/** The record of period `period`, undefined if it has not been settled on this chain (or predates the index). */
export function settlementOf(table: Table, period: bigint): SettlementRecord | undefined {
  const stored = table.get(periodKey(period));
  return stored === undefined ? undefined : decodeSettlementRecord(stored);
}

/** The newest settled period with a record, undefined if none: what /charts and /periods start from. */
export function latestSettledPeriod(table: Table): bigint | undefined {
  // A descending range excludes its lower bound, period 0's key: that one is looked up by itself.
  for (const { key } of table.rangeDescending(
    periodKey(0n),
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  ))
    return new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0);
  return table.get(periodKey(0n)) === undefined ? undefined : 0n;
}
