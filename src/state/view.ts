// A StateView over committed storage with an in-memory overlay for the block
// being applied: rules read through it, effects write into it, and nothing
// touches LMDB until writeTo() runs inside the block's one transaction. The
// first write of each key records the key's prior value, which is the block's
// undo record (PROTOCOL.md §9.2).
import type {
  Account,
  AppRecord,
  Bond,
  Counters,
  EpochRecord,
  Identity,
  ListenerPeriod,
  Proposal,
  ScheduledChange,
  Song,
  StakeRole,
  StateView,
  Subscription,
  VoteChoice,
} from '../consensus/state-view.js';
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
} from './music-entries.js';
import {
  appListenerKey,
  decodeListenerSong,
  decodeU64,
  encodeListenerSong,
  encodeU64,
  intervalKey,
  listenerSongKey,
  serialKey,
  splitIntervalKey,
  PREFIX_INTERVAL,
  type ListenerSong,
} from './play-entries.js';
import {
  decodeLastVoted,
  decodeParam,
  decodeProposal,
  decodeScheduled,
  decodeVote,
  encodeLastVoted,
  encodeParam,
  encodeProposal,
  encodeScheduled,
  encodeVote,
  lastVotedKey,
  paramKey,
  proposalKey,
  scheduledKey,
  voteKey,
} from './governance-entries.js';
import type { Table, WritableTable } from '../storage/db.js';
import {
  COUNTERS_KEY,
  EMPTY_COUNTERS,
  accountKey,
  appKey,
  bondKey,
  decodeAccount,
  decodeApp,
  decodeBond,
  decodeUnbonding,
  encodeApp,
  encodeBond,
  encodeUnbonding,
  unbondingKey,
  decodeCounters,
  decodeEpoch,
  encodeEpoch,
  epochKey,
  encodeAccount,
  encodeCounters,
} from './entries.js';

export interface UndoEntry {
  readonly key: Uint8Array;
  /** undefined: the key did not exist. */
  readonly prior: Uint8Array | undefined;
}

/** A listener's counted interval [startS, end) (0x0B, §4.9). */
export interface CountedInterval {
  readonly startS: bigint;
  readonly serial: bigint;
  readonly end: bigint;
}

/** A stored entry, as a table read returns it. */
interface StoredEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * A listener's stored intervals on either side of the start last asked about (undefined: none on
 * that side). No stored interval lies between them, so they are the stored neighbours of every
 * start from `before`'s (inclusive) to `after`'s (exclusive).
 */
interface StoredGap {
  readonly before: (StoredEntry & { readonly startS: bigint }) | undefined;
  readonly after: (StoredEntry & { readonly startS: bigint }) | undefined;
}

/** An interval write of this overlay; `end` undefined: deleted (pruned). */
interface IntervalWrite {
  readonly startS: bigint;
  readonly serial: bigint;
  readonly end: bigint | undefined;
}

const U64_MAX = (1n << 64n) - 1n;
/** 0x0B ‖ listener [20] ‖ start_s u64 ‖ serial u64. */
const INTERVAL_KEY_LENGTH = 37;

/** A key just above `key` and below every longer or greater key that does not start with it. */
function justAbove(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

/**
 * A key as a Map id: one UTF-16 unit per byte, so ids compare as the keys' bytes do (range() relies on
 * it). Half the length of hex and built without a Buffer: every read and write of a block makes one.
 */
function keyId(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/** 0x0B ‖ listener ‖ start_s ‖ FF…FF ‖ 00: above every interval of `listener` starting at or before `startS`, below the rest. */
function intervalSplit(listener: Uint8Array, startS: bigint): Uint8Array {
  const key = new Uint8Array(INTERVAL_KEY_LENGTH + 1);
  key[0] = PREFIX_INTERVAL;
  key.set(listener, 1);
  new DataView(key.buffer).setBigUint64(21, startS);
  key.fill(0xff, 29, INTERVAL_KEY_LENGTH);
  return key;
}

function withStart(entry: StoredEntry | undefined): (StoredEntry & { readonly startS: bigint }) | undefined {
  return entry === undefined ? undefined : { ...entry, startS: splitIntervalKey(entry.key).startS };
}

function compareInterval(a: IntervalWrite, startS: bigint, serial: bigint): number {
  if (a.startS !== startS) return a.startS < startS ? -1 : 1;
  return a.serial === serial ? 0 : a.serial < serial ? -1 : 1;
}

export class OverlayState implements StateView {
  private readonly writes = new Map<string, { key: Uint8Array; value: Uint8Array | undefined }>();
  /**
   * Storage's value (null: absent) of each key this overlay has read or written: a counter is read
   * by a rule, read again by the effect and then written, whose undo prior is that same value, so
   * storage is asked once. The overlay lives for one block (or one read), and the table under it
   * does not change meanwhile.
   */
  private readonly stored = new Map<string, Uint8Array | null>();
  private readonly undo: UndoEntry[] = [];
  /**
   * The 0x0B writes of this overlay per listener (its keyId), sorted by (start_s, serial): a point
   * lookup of a listener's neighbouring intervals need not sort every write, as range() does.
   */
  private readonly intervalWrites = new Map<string, IntervalWrite[]>();
  /**
   * Per listener (keyId), the stored neighbours last read: a listener's plays in one block mostly
   * fall in the same gap between its stored intervals (after the last one), so the table is read
   * once per listener rather than twice per play. The table does not change under the overlay.
   */
  private readonly storedGaps = new Map<string, StoredGap>();

  constructor(private readonly base: Table) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const id = keyId(key);
    const written = this.writes.get(id);
    return written !== undefined ? written.value : this.storedValue(id, key);
  }

  private storedValue(id: string, key: Uint8Array): Uint8Array | undefined {
    let value = this.stored.get(id);
    if (value === undefined) {
      value = this.base.get(key) ?? null;
      this.stored.set(id, value);
    }
    return value ?? undefined;
  }

  /** Sets (or with undefined, deletes) an entry in the overlay. */
  set(key: Uint8Array, value: Uint8Array | undefined): void {
    const id = keyId(key);
    if (!this.writes.has(id)) this.undo.push({ key, prior: this.storedValue(id, key) });
    this.writes.set(id, { key, value });
    if (key[0] === PREFIX_INTERVAL && key.length === INTERVAL_KEY_LENGTH) this.noteInterval(key, value);
  }

  private noteInterval(key: Uint8Array, value: Uint8Array | undefined): void {
    const { listener, startS, serial } = splitIntervalKey(key);
    const id = keyId(listener);
    let list = this.intervalWrites.get(id);
    if (list === undefined) this.intervalWrites.set(id, (list = []));
    const write = { startS, serial, end: value === undefined ? undefined : decodeU64(value, 'interval end') };
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareInterval(list[mid]!, startS, serial) < 0) low = mid + 1;
      else high = mid;
    }
    const found = list[low];
    if (found !== undefined && compareInterval(found, startS, serial) === 0) list[low] = write;
    else list.splice(low, 0, write);
  }

  /**
   * `listener`'s counted intervals (0x0B) next to `startS`: the one with the greatest start ≤ it
   * and the one with the least start > it, as this overlay sees them. Two point reads of the
   * table and a binary search of this block's own writes; no scan.
   */
  intervalNeighbours(
    listener: Uint8Array,
    startS: bigint,
  ): { readonly before: CountedInterval | undefined; readonly after: CountedInterval | undefined } {
    const listenerId = keyId(listener);
    const split = intervalSplit(listener, startS);
    const floor = split.subarray(0, 21); // 0x0B ‖ listener: below every interval of the listener
    const last = justAbove(intervalKey(listener, U64_MAX, U64_MAX));
    const gap = this.storedGap(listenerId, startS, () => ({
      before: withStart(this.base.lastBetween(floor, split)),
      after: withStart(this.base.first(split, last)),
    }));
    const interval = (key: Uint8Array, value: Uint8Array): CountedInterval => {
      const { startS: start, serial } = splitIntervalKey(key);
      return { startS: start, serial, end: decodeU64(value, 'interval end') };
    };
    // The nearest stored entry on each side, unless this block wrote it (pruned it): then a walk on
    // to the nearest one it left.
    const fromBase = (
      nearest: StoredEntry | undefined,
      entries: () => Iterable<StoredEntry>,
    ): CountedInterval | undefined => {
      if (nearest === undefined) return undefined;
      if (!this.writes.has(keyId(nearest.key))) return interval(nearest.key, nearest.value);
      for (const entry of entries()) {
        const written = this.writes.get(keyId(entry.key));
        const value = written === undefined ? entry.value : written.value;
        if (value === undefined) continue; // pruned in this block
        return interval(entry.key, value);
      }
      return undefined;
    };
    const baseBefore = fromBase(gap.before, () => this.base.rangeDescending(floor, split));
    const baseAfter = fromBase(gap.after, () => this.base.range(split, last));
    const list = this.intervalWrites.get(listenerId) ?? [];
    let low = 0; // the first write starting after startS
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid]!.startS <= startS) low = mid + 1;
      else high = mid;
    }
    const live = (w: IntervalWrite | undefined): CountedInterval | undefined =>
      w?.end === undefined ? undefined : { startS: w.startS, serial: w.serial, end: w.end };
    let ownBefore: CountedInterval | undefined;
    for (let i = low - 1; i >= 0 && ownBefore === undefined; i--) ownBefore = live(list[i]);
    let ownAfter: CountedInterval | undefined;
    for (let i = low; i < list.length && ownAfter === undefined; i++) ownAfter = live(list[i]);
    const later = (a: CountedInterval | undefined, b: CountedInterval | undefined) =>
      a === undefined ? b : b === undefined || compareInterval(b, a.startS, a.serial) < 0 ? a : b;
    const earlier = (a: CountedInterval | undefined, b: CountedInterval | undefined) =>
      a === undefined ? b : b === undefined || compareInterval(b, a.startS, a.serial) > 0 ? a : b;
    return { before: later(baseBefore, ownBefore), after: earlier(baseAfter, ownAfter) };
  }

  /** The listener's stored neighbours of `startS`: the gap last read if it holds `startS`, else `read()`'s. */
  private storedGap(listenerId: string, startS: bigint, read: () => StoredGap): StoredGap {
    const known = this.storedGaps.get(listenerId);
    if (
      known !== undefined &&
      (known.before === undefined || known.before.startS <= startS) &&
      (known.after === undefined || startS < known.after.startS)
    ) {
      return known;
    }
    const gap = read();
    this.storedGaps.set(listenerId, gap);
    return gap;
  }

  /** Entries with start ≤ key < end as this overlay sees them, ascending. */
  range(start: Uint8Array, end: Uint8Array): { key: Uint8Array; value: Uint8Array }[] {
    const low = keyId(start);
    const high = keyId(end);
    const written: [string, { key: Uint8Array; value: Uint8Array | undefined }][] = [];
    for (const [id, entry] of this.writes) if (id >= low && id < high) written.push([id, entry]);
    // Nothing written in the range: storage's entries are the answer, already in order (a settlement
    // reads whole prefixes of ~10^5 entries, §6.5).
    if (written.length === 0) return [...this.base.range(start, end)];
    const merged = new Map<string, { key: Uint8Array; value: Uint8Array | undefined }>();
    for (const entry of this.base.range(start, end)) merged.set(keyId(entry.key), entry);
    for (const [id, entry] of written) merged.set(id, entry);
    return [...merged.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([, e]) => (e.value === undefined ? [] : [{ key: e.key, value: e.value }]));
  }

  /**
   * Deletes entries this overlay's range() just returned. An entry it had not written came from
   * storage, so its value is the prior the undo record needs, and storage is not read again (a
   * settlement deletes ~10^5 entries, §6.5).
   */
  deleteRead(entries: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[]): void {
    for (const { key, value } of entries) {
      const id = keyId(key);
      if (!this.writes.has(id)) this.undo.push({ key, prior: value });
      this.writes.set(id, { key, value: undefined });
    }
  }

  account(id: Uint8Array): Account | undefined {
    const bytes = this.get(accountKey(id));
    return bytes === undefined ? undefined : decodeAccount(bytes);
  }

  setAccount(id: Uint8Array, account: Account): void {
    this.set(accountKey(id), encodeAccount(account));
  }

  bond(account: Uint8Array, role: StakeRole): Bond | undefined {
    const bytes = this.get(bondKey(account, role));
    return bytes === undefined ? undefined : decodeBond(role, bytes);
  }

  /** Sets a bond; a bond of 0 is deleted (§9.1), and a validator's last_endorsed with it. */
  setBond(account: Uint8Array, role: StakeRole, bond: Bond): void {
    this.set(bondKey(account, role), bond.bonded === 0n ? undefined : encodeBond(role, bond));
  }

  /** Adds to the unbonding entry released at `releaseHeight` (§3.10: an existing key adds up); 0 adds nothing. */
  addUnbonding(releaseHeight: bigint, account: Uint8Array, role: StakeRole, amount: bigint): void {
    if (amount === 0n) return;
    const key = unbondingKey(releaseHeight, account, role);
    const existing = this.get(key);
    const total = (existing === undefined ? 0n : decodeUnbonding(existing)) + amount;
    this.set(key, encodeUnbonding(total));
  }

  app(account: Uint8Array): AppRecord | undefined {
    const bytes = this.get(appKey(account));
    return bytes === undefined ? undefined : decodeApp(bytes);
  }

  setApp(account: Uint8Array, app: AppRecord): void {
    this.set(appKey(account), encodeApp(app));
  }

  epoch(keyHeight: bigint): EpochRecord | undefined {
    const bytes = this.get(epochKey(keyHeight));
    return bytes === undefined ? undefined : decodeEpoch(bytes);
  }

  setEpoch(keyHeight: bigint, record: EpochRecord): void {
    this.set(epochKey(keyHeight), encodeEpoch(record));
  }

  proposal(id: Uint8Array): Proposal | undefined {
    const bytes = this.get(proposalKey(id));
    return bytes === undefined ? undefined : decodeProposal(bytes);
  }

  setProposal(id: Uint8Array, proposal: Proposal): void {
    this.set(proposalKey(id), encodeProposal(proposal));
  }

  /** `voter`'s choice on `proposalId` (0x0E); a new vote replaces it (§4.11). */
  vote(proposalId: Uint8Array, voter: Uint8Array): VoteChoice | undefined {
    const bytes = this.get(voteKey(proposalId, voter));
    return bytes === undefined ? undefined : decodeVote(bytes);
  }

  setVote(proposalId: Uint8Array, voter: Uint8Array, choice: VoteChoice): void {
    this.set(voteKey(proposalId, voter), encodeVote(choice));
  }

  /** The `end` of the last proposal tallied with a vote of `account` (0x11), undefined if none. */
  lastVotedEnd(account: Uint8Array): bigint | undefined {
    const bytes = this.get(lastVotedKey(account));
    return bytes === undefined ? undefined : decodeLastVoted(bytes);
  }

  setLastVotedEnd(account: Uint8Array, end: bigint): void {
    this.set(lastVotedKey(account), encodeLastVoted(end));
  }

  param(paramId: number): bigint | undefined {
    const bytes = this.get(paramKey(paramId));
    return bytes === undefined ? undefined : decodeParam(bytes);
  }

  setParam(paramId: number, value: bigint): void {
    this.set(paramKey(paramId), encodeParam(value));
  }

  /** The change scheduled for (`applyHeight`, `paramId`) (0x14), undefined if none. */
  scheduled(applyHeight: bigint, paramId: number): ScheduledChange | undefined {
    const bytes = this.get(scheduledKey(applyHeight, paramId));
    return bytes === undefined ? undefined : decodeScheduled(bytes);
  }

  /** Schedules a change, or with undefined removes it (applied, or at its height). */
  setScheduled(applyHeight: bigint, paramId: number, change: ScheduledChange | undefined): void {
    this.set(scheduledKey(applyHeight, paramId), change === undefined ? undefined : encodeScheduled(change));
  }

  identity(account: Uint8Array): Identity | undefined {
    const bytes = this.get(identityKey(account));
    return bytes === undefined ? undefined : decodeIdentity(bytes);
  }

  /**
   * The role bits of `account`'s identity (0x02), 0 if it has none: its first byte, without decoding
   * the name (a PlayReport asks it of every listener). A stored identity was encoded by
   * `setIdentity`, so its roles are 1–3.
   */
  identityRoles(account: Uint8Array): number {
    return this.get(identityKey(account))?.[0] ?? 0;
  }

  setIdentity(account: Uint8Array, identity: Identity): void {
    this.set(identityKey(account), encodeIdentity(identity));
  }

  song(songId: Uint8Array): Song | undefined {
    const bytes = this.get(songKey(songId));
    return bytes === undefined ? undefined : decodeSong(bytes);
  }

  setSong(songId: Uint8Array, song: Song): void {
    this.set(songKey(songId), encodeSong(song));
  }

  /** The subscription of `listener` to `musician` (0x07), undefined if it never paid one. */
  subscription(listener: Uint8Array, musician: Uint8Array): Subscription | undefined {
    const bytes = this.get(subscriptionKey(listener, musician));
    return bytes === undefined ? undefined : decodeSubscription(bytes);
  }

  setSubscription(listener: Uint8Array, musician: Uint8Array, subscription: Subscription): void {
    this.set(subscriptionKey(listener, musician), encodeSubscription(subscription));
  }

  /** `listener`'s counted seconds and support this period (0x0A); zeros when it has none. */
  listenerPeriod(listener: Uint8Array): ListenerPeriod {
    const bytes = this.get(listenerPeriodKey(listener));
    return bytes === undefined ? { seconds: 0n, support: 0n } : decodeListenerPeriod(bytes);
  }

  /** Sets the 0x0A entry; deleted when both counters are zero (§9.1). */
  setListenerPeriod(listener: Uint8Array, period: ListenerPeriod): void {
    const empty = period.seconds === 0n && period.support === 0n;
    this.set(listenerPeriodKey(listener), empty ? undefined : encodeListenerPeriod(period));
  }

  /** `listener`'s counted seconds and plays of `songId` this period (0x08); zeros when none. */
  listenerSong(listener: Uint8Array, songId: Uint8Array): ListenerSong {
    const bytes = this.get(listenerSongKey(listener, songId));
    return bytes === undefined ? { seconds: 0n, plays: 0 } : decodeListenerSong(bytes);
  }

  /** Sets the 0x08 entry; deleted when both counters are zero (§9.1). */
  setListenerSong(listener: Uint8Array, songId: Uint8Array, entry: ListenerSong): void {
    const empty = entry.seconds === 0n && entry.plays === 0;
    this.set(listenerSongKey(listener, songId), empty ? undefined : encodeListenerSong(entry));
  }

  /** The seconds `app` reported of `listener` as counted this period (0x09); 0 when none. */
  appListenerSeconds(app: Uint8Array, listener: Uint8Array): bigint {
    const bytes = this.get(appListenerKey(app, listener));
    return bytes === undefined ? 0n : decodeU64(bytes, 'period seconds');
  }

  /** Sets the 0x09 entry; deleted at zero (§9.1). */
  setAppListenerSeconds(app: Uint8Array, listener: Uint8Array, seconds: bigint): void {
    this.set(appListenerKey(app, listener), seconds === 0n ? undefined : encodeU64(seconds));
  }

  /** The start_s recorded with `listener`'s play `serial` (0x0C), undefined if unseen. */
  serialStart(listener: Uint8Array, serial: bigint): bigint | undefined {
    const bytes = this.get(serialKey(listener, serial));
    return bytes === undefined ? undefined : decodeU64(bytes, 'start_s');
  }

  /** Records (or with undefined prunes) `listener`'s play `serial` (0x0C). */
  setSerial(listener: Uint8Array, serial: bigint, startS: bigint | undefined): void {
    this.set(serialKey(listener, serial), startS === undefined ? undefined : encodeU64(startS));
  }

  /** Records (or with undefined prunes) a counted interval [startS, end) of `listener` (0x0B). */
  setInterval(listener: Uint8Array, startS: bigint, serial: bigint, end: bigint | undefined): void {
    this.set(intervalKey(listener, startS, serial), end === undefined ? undefined : encodeU64(end));
  }

  counters(): Counters {
    const bytes = this.get(COUNTERS_KEY);
    return bytes === undefined ? EMPTY_COUNTERS : decodeCounters(bytes);
  }

  setCounters(counters: Counters): void {
    this.set(COUNTERS_KEY, encodeCounters(counters));
  }

  /** The prior values of every key this overlay changed, in first-touch order. */
  undoEntries(): readonly UndoEntry[] {
    return this.undo;
  }

  writeTo(table: WritableTable): void {
    for (const { key, value } of this.writes.values()) {
      if (value === undefined) table.remove(key);
      else table.put(key, value);
    }
  }
}
