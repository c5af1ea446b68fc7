// Keys and values of the state entries this node applies so far
// (PROTOCOL.md §9.1): 0x01 accounts, 0x04–0x06 stake, 0x0F pending credits, the
// 0x10 counters record and 0x12 epoch records.
import type { Account, AppRecord, Bond, Counters, EpochRecord, StakeRole } from '../consensus/state-view.js';
import { Reader, Writer } from '../protocol/codec.js';

export const PREFIX_ACCOUNT = 0x01;
export const PREFIX_COUNTERS = 0x10;

export function accountKey(id: Uint8Array): Uint8Array {
  const key = new Uint8Array(21);
  key[0] = PREFIX_ACCOUNT;
  key.set(id, 1);
  return key;
}

export function encodeAccount(account: Account): Uint8Array {
  return new Writer().u128(account.balance).u64(account.nonce).finish();
}

export function decodeAccount(bytes: Uint8Array): Account {
  const r = new Reader(bytes);
  const account = { balance: r.u128('balance'), nonce: r.u64('nonce') };
  r.end('account');
  return account;
}

export const COUNTERS_KEY = Uint8Array.of(PREFIX_COUNTERS);

export const EMPTY_COUNTERS: Counters = {
  musicians: 0n,
  listeners: 0n,
  apps: 0n,
  infrastructure: 0n,
  validators: 0n,
  fees: 0n,
  minted: 0n,
  burned: 0n,
  playFloor: 0n,
};

export function encodeCounters(c: Counters): Uint8Array {
  return new Writer()
    .u128(c.musicians)
    .u128(c.listeners)
    .u128(c.apps)
    .u128(c.infrastructure)
    .u128(c.validators)
    .u128(c.fees)
    .u128(c.minted)
    .u128(c.burned)
    .u64(c.playFloor)
    .finish();
}

export function decodeCounters(bytes: Uint8Array): Counters {
  const r = new Reader(bytes);
  const c: Counters = {
    musicians: r.u128(),
    listeners: r.u128(),
    apps: r.u128(),
    infrastructure: r.u128(),
    validators: r.u128(),
    fees: r.u128(),
    minted: r.u128(),
    burned: r.u128(),
    playFloor: r.u64(),
  };
  r.end('counters');
  return c;
}

export const PREFIX_PENDING = 0x0f;
export const PREFIX_EPOCH = 0x12;

/** Reward kinds (§3.10); 2, 3, 10 and 12 are transfers, the rest mint on maturity. */
export const KIND_MINER = 1;
export const KIND_LEADER_FEE = 2;
export const KIND_NEXT_LEADER_FEE = 3;
export const KIND_VALIDATOR_SLOT = 4;
/** 5 musician (song reward), 6 listener, 7 app: settlement's steps 1–2 (§7.3) create them. */
export { KIND_APP, KIND_LISTENER, KIND_MUSICIAN } from '../consensus/song-value.js';
export const KIND_INFRASTRUCTURE = 8;
export const KIND_VALIDATOR_POOL = 9;
export const KIND_VOTING_REWARD = 10;
export const KIND_POISON_MINT = 11;
export const KIND_POISON_FEE = 12;
const TRANSFER_KINDS: ReadonlySet<number> = new Set([2, 3, 10, 12]);

export function kindMints(kind: number): boolean {
  return !TRANSFER_KINDS.has(kind);
}

/**
 * Writes `value` modulo 2^64 (as DataView's setBigUint64 does) as a u64 at `at` of `out`, big-endian
 * for keys (byte order is numeric order, §9.1) or little-endian for values (§2.1), without a DataView:
 * a block writes a few per play.
 */
export function putU64(out: Uint8Array, at: number, value: bigint, littleEndian: boolean): void {
  const wrapped = BigInt.asUintN(64, value);
  const hi = Number(wrapped >> 32n);
  const lo = Number(wrapped & 0xffffffffn);
  for (let i = 0; i < 4; i++) {
    const shift = 24 - 8 * i;
    out[at + (littleEndian ? 7 - i : i)] = (hi >>> shift) & 0xff;
    out[at + (littleEndian ? 3 - i : 4 + i)] = (lo >>> shift) & 0xff;
  }
}

/** The u64 at `at` of `bytes` (which holds 8 bytes there), big- or little-endian. */
export function getU64(bytes: Uint8Array, at: number, littleEndian: boolean): bigint {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 4; i++) {
    hi = hi * 256 + bytes[at + (littleEndian ? 7 - i : i)]!;
    lo = lo * 256 + bytes[at + (littleEndian ? 3 - i : 4 + i)]!;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A big-endian u64, for keys: byte order is numeric order (§9.1). */
export function u64be(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  putU64(out, 0, value, false);
  return out;
}

/** The big-endian u64 at `at` of a key. */
export function readU64be(key: Uint8Array, at: number): bigint {
  if (at + 8 > key.length) throw new RangeError(`no u64 at ${at} of a ${key.length}-byte key`);
  return getU64(key, at, false);
}

/** prefix ‖ parts: an entry's key (§9.1). */
export function entryKey(prefix: number, parts: readonly Uint8Array[]): Uint8Array {
  const key = new Uint8Array(1 + parts.reduce((n, part) => n + part.length, 0));
  key[0] = prefix;
  let at = 1;
  for (const part of parts) {
    key.set(part, at);
    at += part.length;
  }
  return key;
}

/** 0x0F ‖ maturity ‖ account ‖ source_height ‖ kind, heights big-endian so keys sort by maturity. */
export function pendingKey(
  maturity: bigint,
  account: Uint8Array,
  sourceHeight: bigint,
  kind: number,
): Uint8Array {
  const key = new Uint8Array(1 + 8 + 20 + 8 + 1);
  key[0] = PREFIX_PENDING;
  key.set(u64be(maturity), 1);
  key.set(account, 9);
  key.set(u64be(sourceHeight), 29);
  key[37] = kind;
  return key;
}

/** The key range of every pending entry maturing at `maturity`. */
export function pendingRange(maturity: bigint): { start: Uint8Array; end: Uint8Array } {
  const start = new Uint8Array(9);
  start[0] = PREFIX_PENDING;
  start.set(u64be(maturity), 1);
  const end = new Uint8Array(9);
  end[0] = PREFIX_PENDING;
  end.set(u64be(maturity + 1n), 1);
  return { start, end };
}

export interface PendingKey {
  readonly maturity: bigint;
  readonly account: Uint8Array;
  readonly sourceHeight: bigint;
  readonly kind: number;
}

export function decodePendingKey(key: Uint8Array): PendingKey {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return {
    maturity: view.getBigUint64(1),
    account: key.slice(9, 29),
    sourceHeight: view.getBigUint64(29),
    kind: key[37]!,
  };
}

export interface Pending {
  readonly amount: bigint;
  readonly mint: boolean;
}

export function encodePending(p: Pending): Uint8Array {
  return new Writer()
    .u128(p.amount)
    .u8(p.mint ? 1 : 0)
    .finish();
}

export function decodePending(bytes: Uint8Array): Pending {
  const r = new Reader(bytes);
  const p = { amount: r.u128('amount'), mint: r.flag([0, 1], 'mint') === 1 };
  r.end('pending');
  return p;
}

export function epochKey(keyHeight: bigint): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = PREFIX_EPOCH;
  key.set(u64be(keyHeight), 1);
  return key;
}

export function encodeEpoch(e: EpochRecord): Uint8Array {
  return new Writer()
    .fixed(e.keyBlockId, 32)
    .fixed(e.leaderKey, 32)
    .fixed(e.payout, 20)
    .u8(e.activation)
    .u8(e.poisoned ? 1 : 0)
    .finish();
}

export function decodeEpoch(bytes: Uint8Array): EpochRecord {
  const r = new Reader(bytes);
  const e: EpochRecord = {
    keyBlockId: r.fixed(32),
    leaderKey: r.fixed(32),
    payout: r.fixed(20),
    activation: r.flag([0, 1, 2], 'activation') as 0 | 1 | 2,
    poisoned: r.flag([0, 1], 'poisoned') === 1,
  };
  r.end('epoch');
  return e;
}

export const PREFIX_BOND = 0x04;
export const PREFIX_UNBONDING = 0x05;
export const PREFIX_APP = 0x06;

export type { StakeRole } from '../consensus/state-view.js';
export const ROLE_VALIDATOR = 1;
export const ROLES: readonly StakeRole[] = [1, 2, 3];
export const ROLE_APP = 2;
export const ROLE_INFRASTRUCTURE = 3;

/** 0x04 ‖ account ‖ role. */
export function bondKey(account: Uint8Array, role: StakeRole): Uint8Array {
  const key = new Uint8Array(22);
  key[0] = PREFIX_BOND;
  key.set(account, 1);
  key[21] = role;
  return key;
}

export function decodeBondKey(key: Uint8Array): { readonly account: Uint8Array; readonly role: StakeRole } {
  return { account: key.slice(1, 21), role: key[21] as StakeRole };
}

/** bonded u128, role 1 adds last_endorsed u32 (a key-block time, §5.4). */
export function encodeBond(role: StakeRole, bond: Bond): Uint8Array {
  const w = new Writer().u128(bond.bonded);
  if (role === ROLE_VALIDATOR) w.u32(bond.lastEndorsed);
  return w.finish();
}

export function decodeBond(role: StakeRole, bytes: Uint8Array): Bond {
  const r = new Reader(bytes);
  const bonded = r.u128('bonded');
  const lastEndorsed = role === ROLE_VALIDATOR ? r.u32('last_endorsed') : 0;
  r.end('bond');
  return { bonded, lastEndorsed };
}

/** 0x05 ‖ release_height ‖ account ‖ role, the height big-endian so keys sort by release. */
export function unbondingKey(releaseHeight: bigint, account: Uint8Array, role: StakeRole): Uint8Array {
  const key = new Uint8Array(30);
  key[0] = PREFIX_UNBONDING;
  key.set(u64be(releaseHeight), 1);
  key.set(account, 9);
  key[29] = role;
  return key;
}

/** The key range of every unbonding entry released at `releaseHeight`. */
export function unbondingRange(releaseHeight: bigint): { start: Uint8Array; end: Uint8Array } {
  const start = new Uint8Array(9);
  start[0] = PREFIX_UNBONDING;
  start.set(u64be(releaseHeight), 1);
  const end = new Uint8Array(9);
  end[0] = PREFIX_UNBONDING;
  end.set(u64be(releaseHeight + 1n), 1);
  return { start, end };
}

export interface UnbondingKey {
  readonly releaseHeight: bigint;
  readonly account: Uint8Array;
  readonly role: StakeRole;
}

export function decodeUnbondingKey(key: Uint8Array): UnbondingKey {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { releaseHeight: view.getBigUint64(1), account: key.slice(9, 29), role: key[29] as StakeRole };
}

/** unbonding u128. */
export function encodeUnbonding(amount: bigint): Uint8Array {
  return new Writer().u128(amount).finish();
}

export function decodeUnbonding(bytes: Uint8Array): bigint {
  const r = new Reader(bytes);
  const amount = r.u128('unbonding');
  r.end('unbonding');
  return amount;
}

/** 0x06 ‖ app account. */
export function appKey(account: Uint8Array): Uint8Array {
  const key = new Uint8Array(21);
  key[0] = PREFIX_APP;
  key.set(account, 1);
  return key;
}

/** app_name string(64) ‖ service_key [32]. */
export function encodeApp(app: AppRecord): Uint8Array {
  return new Writer().string(app.name, APP_NAME_MAX).fixed(app.serviceKey, 32).finish();
}

export function decodeApp(bytes: Uint8Array): AppRecord {
  const r = new Reader(bytes);
  const app = { name: r.string(APP_NAME_MAX, 'app_name'), serviceKey: r.fixed(32, 'service_key') };
  r.end('app');
  return app;
}

const APP_NAME_MAX = 64;
