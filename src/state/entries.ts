// Keys and values of the state entries this node applies so far
// (PROTOCOL.md §9.1): 0x01 accounts and the 0x10 counters record.
import type { Account, Counters } from '../consensus/state-view.js';
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
