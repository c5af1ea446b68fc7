// The reward history (storage/layout.ts, `rewards`): every pending credit of
// PROTOCOL.md §3.10 an account was given, kept after it matures, so the API can
// answer "what did this address earn" (§6.5: per-recipient lists go to a
// history index outside the state digest). Not consensus data: it is derived
// from the 0x0F changes of each block — what the block's overlay wrote on
// connect, what its undo record restores on disconnect — so the rules that
// create credits (KeyConnect, settlement, Poison) know nothing of it, and a
// disconnect takes off exactly what the connect put on.
import type { Table, WritableTable } from '../storage/db.js';
import { META_REWARDS_FROM } from '../storage/layout.js';
import { PREFIX_PENDING, decodePending, decodePendingKey } from './entries.js';
import type { OverlayState, UndoEntry } from './view.js';
import { readU128be, u128beBytes } from '../util/bytes.js';

const TOTAL = 0x00;
const RECORD = 0x01;
const KIND_TOTAL = 0x02;
const RECORD_LENGTH = 1 + 20 + 8 + 1;
const FROM_KEY = new TextEncoder().encode(META_REWARDS_FROM);

/** One credit of the history: an account's summed pending credit of one kind from one key height. */
export interface RewardRecord {
  readonly account: Uint8Array;
  readonly sourceHeight: bigint;
  readonly kind: number;
  readonly maturity: bigint;
  readonly amount: bigint;
}

/** How one block changed one pending entry: a credit grows it, a Poison cancellation (§3.9) shrinks it. */
interface CreditChange {
  readonly account: Uint8Array;
  readonly sourceHeight: bigint;
  readonly kind: number;
  readonly maturity: bigint;
  readonly delta: bigint;
}

/** A place in an account's history, newest first: records strictly older than it come next. */
export interface RewardCursor {
  readonly sourceHeight: bigint;
  /** Undefined: every record of `sourceHeight` is older too (a cursor given as a bare height). */
  readonly kind?: number;
}

const amountOf = (value: Uint8Array | undefined): bigint =>
  value === undefined ? 0n : decodePending(value).amount;

/**
 * The credit changes among a block's writes at key height `keyHeight`. An entry that disappears with
 * a maturity at or below `keyHeight` was credited to a balance by step 4 of §3.8: it stays in the
 * history; one that disappears earlier was cancelled.
 */
function creditChanges(
  writes: Iterable<{
    readonly key: Uint8Array;
    readonly before: Uint8Array | undefined;
    after: Uint8Array | undefined;
  }>,
  keyHeight: bigint,
): CreditChange[] {
  const changes: CreditChange[] = [];
  for (const { key, before, after } of writes) {
    const { maturity, account, sourceHeight, kind } = decodePendingKey(key);
    if (after === undefined && maturity <= keyHeight) continue;
    const delta = amountOf(after) - amountOf(before);
    if (delta !== 0n) changes.push({ account, sourceHeight, kind, maturity, delta });
  }
  return changes;
}

/** The 0x0F keys among a block's changes: a block of transfers only reads no value for the history. */
function pendingOnly(entries: readonly UndoEntry[]): UndoEntry[] {
  return entries.filter(({ key }) => key[0] === PREFIX_PENDING);
}

/** The key height from which the history is complete (layout.ts `rewards-from`; 0 when absent). */
export function rewardsFrom(meta: Table): bigint {
  const stored = meta.get(FROM_KEY);
  return stored === undefined ? 0n : new DataView(stored.buffer, stored.byteOffset).getBigUint64(0);
}

/** Adds the credits of a block being connected at key height `keyHeight`, from its overlay. */
export function recordConnect(
  tables: { readonly meta: Table; readonly rewards: WritableTable },
  keyHeight: bigint,
  view: OverlayState,
): void {
  const writes = pendingOnly(view.undoEntries()).map(({ key, prior }) => ({
    key,
    before: prior,
    after: view.get(key),
  }));
  apply(tables, creditChanges(writes, keyHeight), 1n);
}

/**
 * Takes off the credits of a block being disconnected at key height `keyHeight`: `state` is the state
 * it left (it is the tip), `undo` its undo record, read before the undo is replayed.
 */
export function recordDisconnect(
  tables: { readonly meta: Table; readonly rewards: WritableTable },
  keyHeight: bigint,
  state: Table,
  undo: readonly UndoEntry[],
): void {
  const writes = pendingOnly(undo).map(({ key, prior }) => ({ key, before: prior, after: state.get(key) }));
  apply(tables, creditChanges(writes, keyHeight), -1n);
}

function apply(
  tables: { readonly meta: Table; readonly rewards: WritableTable },
  changes: readonly CreditChange[],
  sign: 1n | -1n,
): void {
  if (changes.length === 0) return;
  const from = rewardsFrom(tables.meta);
  for (const change of changes) {
    // A credit older than the history (a data directory upgraded to schema 3) is not in it.
    if (change.sourceHeight < from) continue;
    const delta = sign * change.delta;
    const key = recordKey(change.account, change.sourceHeight, change.kind);
    const amount = recordAmount(tables.rewards.get(key)) + delta;
    const totalKey = totalKeyOf(change.account);
    const total = u128Of(tables.rewards.get(totalKey)) + delta;
    const kindKey = kindTotalKey(change.account, change.kind);
    const kindTotal = u128Of(tables.rewards.get(kindKey)) + delta;
    if (amount < 0n || total < 0n || kindTotal < 0n)
      throw new Error('the reward history lost a credit it takes off: resync into a new data directory');
    if (amount === 0n) tables.rewards.remove(key);
    else tables.rewards.put(key, encodeRecordValue(change.maturity, amount));
    putTotal(tables.rewards, totalKey, total);
    putTotal(tables.rewards, kindKey, kindTotal);
  }
}

/**
 * Up to `limit` records of `account`, newest first (by source height, then kind descending), starting
 * after `before`; `more` says whether older records follow.
 */
export function rewardPage(
  rewards: Table,
  account: Uint8Array,
  limit: number,
  before?: RewardCursor,
): { readonly records: RewardRecord[]; readonly more: boolean } {
  const start = recordKey(account, 0n, 0);
  const end =
    before === undefined
      ? prefixEnd(account)
      : before.kind === undefined
        ? recordKey(account, before.sourceHeight, 0)
        : recordKey(account, before.sourceHeight, before.kind);
  const records: RewardRecord[] = [];
  for (const { key, value } of rewards.rangeDescending(start, end)) {
    if (records.length === limit) return { records, more: true };
    records.push(decodeRecord(key, value));
  }
  return { records, more: false };
}

/**
 * An account's totals as of key height `tip`: everything credited, and what of it is still pending
 * (maturity > tip). Pending records are the newest (maturity = source + REWARD_MATURITY grows with
 * the source height), so at most REWARD_MATURITY key heights of records are read.
 */
export function rewardTotals(
  rewards: Table,
  account: Uint8Array,
  tip: bigint,
): { readonly credited: bigint; readonly pending: bigint } {
  const credited = u128Of(rewards.get(totalKeyOf(account)));
  let pending = 0n;
  for (const { key, value } of rewards.rangeDescending(recordKey(account, 0n, 0), prefixEnd(account))) {
    const record = decodeRecord(key, value);
    if (record.maturity <= tip) break;
    pending += record.amount;
  }
  return { credited, pending };
}

/**
 * An account's totals of one kind as of key height `tip`, like rewardTotals: everything credited of
 * that kind, and what of it is still pending. Reads at most REWARD_MATURITY key heights of records.
 */
export function rewardKindTotals(
  rewards: Table,
  account: Uint8Array,
  kind: number,
  tip: bigint,
): { readonly credited: bigint; readonly pending: bigint } {
  const credited = u128Of(rewards.get(kindTotalKey(account, kind)));
  let pending = 0n;
  for (const { key, value } of rewards.rangeDescending(recordKey(account, 0n, 0), prefixEnd(account))) {
    const record = decodeRecord(key, value);
    if (record.maturity <= tip) break;
    if (record.kind === kind) pending += record.amount;
  }
  return { credited, pending };
}

function putTotal(rewards: WritableTable, key: Uint8Array, total: bigint): void {
  if (total === 0n) rewards.remove(key);
  else rewards.put(key, u128beBytes(total));
}

function kindTotalKey(account: Uint8Array, kind: number): Uint8Array {
  const key = new Uint8Array(22);
  key[0] = KIND_TOTAL;
  key.set(account, 1);
  key[21] = kind;
  return key;
}

function recordKey(account: Uint8Array, sourceHeight: bigint, kind: number): Uint8Array {
  const key = new Uint8Array(RECORD_LENGTH);
  key[0] = RECORD;
  key.set(account, 1);
  new DataView(key.buffer).setBigUint64(21, sourceHeight);
  key[29] = kind;
  return key;
}

/** The first key after every record of `account`. */
function prefixEnd(account: Uint8Array): Uint8Array {
  const key = new Uint8Array(21);
  key[0] = RECORD;
  key.set(account, 1);
  for (let i = 20; i >= 1; i--) {
    if (key[i]! < 0xff) {
      key[i]!++;
      return key.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(RECORD + 1);
}

function totalKeyOf(account: Uint8Array): Uint8Array {
  const key = new Uint8Array(21);
  key[0] = TOTAL;
  key.set(account, 1);
  return key;
}

function encodeRecordValue(maturity: bigint, amount: bigint): Uint8Array {
  const out = new Uint8Array(8 + 16);
  new DataView(out.buffer).setBigUint64(0, maturity);
  out.set(u128beBytes(amount), 8);
  return out;
}

function decodeRecord(key: Uint8Array, value: Uint8Array): RewardRecord {
  const k = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return {
    account: key.slice(1, 21),
    sourceHeight: k.getBigUint64(21),
    kind: key[29]!,
    maturity: v.getBigUint64(0),
    amount: u128Of(value.subarray(8)),
  };
}

function recordAmount(value: Uint8Array | undefined): bigint {
  return value === undefined ? 0n : u128Of(value.subarray(8));
}

function u128Of(value: Uint8Array | undefined): bigint {
  return value === undefined ? 0n : readU128be(value);
}
