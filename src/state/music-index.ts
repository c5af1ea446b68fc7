// The music index (storage/layout.ts, `music`): what the API needs of the
// music economy that the state does not keep — what Donate and Subscribe paid
// each account (PROTOCOL.md §4.5, §4.6), per source; what each song was donated
// and what its settlements matched (§7.3); and the songs of each owner. Not
// consensus data: derived at each block's connect from its transactions and
// its settlement, taken off at its disconnect from the same, in the block's
// one LMDB transaction, so it always describes the chain beside it. The 90/10
// division is consensus/music-payment.ts's, the one the effects apply.
import { musicPayment, type PaymentTarget } from '../consensus/music-payment.js';
import type { Song } from '../consensus/state-view.js';
import type { Tx } from '../protocol/tx.js';
import type { Table, WritableTable } from '../storage/db.js';
import { META_MUSIC_FROM } from '../storage/layout.js';
import { equalBytes, readU128be, u128beBytes } from '../util/bytes.js';
import { PREFIX_SONG } from './music-entries.js';
import type { SettlementRecord } from './settlement-record.js';
import type { OverlayState, UndoEntry } from './view.js';

const INCOME = 0x00;
const SONG = 0x01;
const BY_OWNER = 0x02;
const FROM_KEY = new TextEncoder().encode(META_MUSIC_FROM);
const TX_DONATE = 4;
const TX_SUBSCRIBE = 5;

/** What Donate and Subscribe paid one account: the musicians' side, its share of a split. */
export interface MusicIncome {
  readonly donations: bigint;
  readonly subscriptions: bigint;
}

/** What one song received. */
export interface SongIncome {
  /** Σ of the Donates to it, before the 90/10. */
  readonly donated: bigint;
  /** Σ of what those paid its holders, after the 90/10. */
  readonly paid: bigint;
  /** How many Donates. */
  readonly donations: bigint;
  /** Σ m_s of its settlements (§7.3). */
  readonly rewards: bigint;
}

const NO_INCOME: MusicIncome = { donations: 0n, subscriptions: 0n };
const NO_SONG_INCOME: SongIncome = { donated: 0n, paid: 0n, donations: 0n, rewards: 0n };

/** The key height from which the income (0x00, 0x01) is complete (layout.ts `music-from`; 0 when absent). */
export function musicFrom(meta: Table): bigint {
  const stored = meta.get(FROM_KEY);
  return stored === undefined ? 0n : new DataView(stored.buffer, stored.byteOffset).getBigUint64(0);
}

export function incomeOf(music: Table, account: Uint8Array): MusicIncome {
  const stored = music.get(incomeKey(account));
  return stored === undefined
    ? NO_INCOME
    : { donations: readU128be(stored, 0), subscriptions: readU128be(stored, 16) };
}

export function songIncomeOf(music: Table, songId: Uint8Array): SongIncome {
  const stored = music.get(songKey(songId));
  if (stored === undefined) return NO_SONG_INCOME;
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  return {
    donated: readU128be(stored, 0),
    paid: readU128be(stored, 16),
    donations: view.getBigUint64(32),
    rewards: readU128be(stored, 40),
  };
}

/** Up to `limit` song ids of `owner`, ascending; `more` says whether others follow. */
export function songsOf(
  music: Table,
  owner: Uint8Array,
  limit: number,
): { readonly songs: Uint8Array[]; readonly more: boolean } {
  const start = byOwnerKey(owner, new Uint8Array(32));
  const end = byOwnerKey(owner, new Uint8Array(32).fill(0xff));
  const songs: Uint8Array[] = [];
  // The last song id, all 0xff, is the range's exclusive end: looked up by itself.
  const last = music.get(end) === undefined ? [] : [{ key: end }];
  for (const { key } of [...music.range(start, end), ...last]) {
    if (songs.length === limit) return { songs, more: true };
    songs.push(key.slice(21, 53));
  }
  return { songs, more: false };
}

/** Everything the index takes from one block. */
export interface MusicBlock {
  readonly keyHeight: bigint;
  /** The block's transactions (none for a key block). */
  readonly txs: readonly Tx[];
  /** The 0x03 keys the block created, with their values. */
  readonly newSongs: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[];
  /** The settlement record the block wrote, if it ran one. */
  readonly settlement: SettlementRecord | undefined;
}

/** Adds a block being connected; `view` is its overlay, after its transactions. */
export function musicConnect(
  tables: { readonly meta: Table; readonly music: WritableTable },
  block: Omit<MusicBlock, 'newSongs'>,
  view: OverlayState,
): void {
  const newSongs = songsCreated(view.undoEntries(), (key) => view.get(key));
  apply(tables, { ...block, newSongs }, (songId) => view.song(songId), 1n);
}

/**
 * Takes off a block being disconnected: `state` is the state it left (it is the tip), `undo` its undo
 * record and `settlement` the record it wrote, read before the undo is replayed and the record removed.
 */
export function musicDisconnect(
  tables: { readonly meta: Table; readonly music: WritableTable },
  block: Omit<MusicBlock, 'newSongs'>,
  state: OverlayState,
  undo: readonly UndoEntry[],
): void {
  const newSongs = songsCreated(undo, (key) => state.get(key));
  apply(tables, { ...block, newSongs }, (songId) => state.song(songId), -1n);
}

/** Whether a stored settlement record was written by the block `blockId` (a reorg may have replaced it). */
export function writtenBy(record: SettlementRecord | undefined, blockId: Uint8Array): boolean {
  return record !== undefined && equalBytes(record.blockId, blockId);
}

function songsCreated(
  entries: readonly UndoEntry[],
  read: (key: Uint8Array) => Uint8Array | undefined,
): { key: Uint8Array; value: Uint8Array }[] {
  const created: { key: Uint8Array; value: Uint8Array }[] = [];
  for (const { key, prior } of entries) {
    if (key[0] !== PREFIX_SONG || prior !== undefined) continue;
    const value = read(key);
    if (value !== undefined) created.push({ key, value });
  }
  return created;
}

function apply(
  tables: { readonly meta: Table; readonly music: WritableTable },
  block: MusicBlock,
  song: (songId: Uint8Array) => Pick<Song, 'owner' | 'splits'> | undefined,
  sign: 1n | -1n,
): void {
  const { music } = tables;
  // §9.1: a song's value starts with its owner.
  for (const { key, value } of block.newSongs) {
    const indexKey = byOwnerKey(value.subarray(0, 20), key.subarray(1, 33));
    if (sign === 1n) music.put(indexKey, new Uint8Array(0));
    else music.remove(indexKey);
  }
  // A block older than the income's start (a data directory upgraded to schema 4) is not in it.
  if (block.keyHeight < musicFrom(tables.meta)) return;
  for (const tx of block.txs) {
    const { payload } = tx;
    if (payload.type === TX_DONATE) {
      let target: PaymentTarget;
      if (payload.targetKind === 0) target = { kind: 'musician', account: payload.target };
      else {
        // The rules found it (`unknown-song`), and songs are never deleted.
        const found = song(payload.target);
        if (found === undefined) throw new Error('a connected Donate names a song the state lacks');
        target = { kind: 'song', song: found };
      }
      const payment = musicPayment(payload.amount, target);
      for (const credit of payment.musicians) addIncome(music, credit.account, sign * credit.amount, 0n);
      if (payload.targetKind === 1) {
        const side = payment.musicians.reduce((sum, c) => sum + c.amount, 0n);
        addSong(music, payload.target, {
          donated: sign * payload.amount,
          paid: sign * side,
          donations: sign,
          rewards: 0n,
        });
      }
    } else if (payload.type === TX_SUBSCRIBE) {
      const payment = musicPayment(payload.amount, { kind: 'musician', account: payload.musician });
      for (const credit of payment.musicians) addIncome(music, credit.account, 0n, sign * credit.amount);
    }
  }
  for (const { id, matched } of block.settlement?.songs ?? [])
    if (matched !== 0n) addSong(music, id, { donated: 0n, paid: 0n, donations: 0n, rewards: sign * matched });
}

function addIncome(
  music: WritableTable,
  account: Uint8Array,
  donations: bigint,
  subscriptions: bigint,
): void {
  const key = incomeKey(account);
  const now = incomeOf(music, account);
  const next = { donations: now.donations + donations, subscriptions: now.subscriptions + subscriptions };
  if (next.donations < 0n || next.subscriptions < 0n)
    throw new Error('the music index lost income it takes off: resync into a new data directory');
  if (next.donations === 0n && next.subscriptions === 0n) music.remove(key);
  else music.put(key, concat(u128beBytes(next.donations), u128beBytes(next.subscriptions)));
}

function addSong(music: WritableTable, songId: Uint8Array, delta: SongIncome): void {
  const key = songKey(songId);
  const now = songIncomeOf(music, songId);
  const next = {
    donated: now.donated + delta.donated,
    paid: now.paid + delta.paid,
    donations: now.donations + delta.donations,
    rewards: now.rewards + delta.rewards,
  };
  if (next.donated < 0n || next.paid < 0n || next.donations < 0n || next.rewards < 0n)
    throw new Error('the music index lost a song total it takes off: resync into a new data directory');
  if (next.donations === 0n && next.rewards === 0n && next.donated === 0n) {
    music.remove(key);
    return;
  }
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, next.donations);
  music.put(key, concat(u128beBytes(next.donated), u128beBytes(next.paid), count, u128beBytes(next.rewards)));
}

function incomeKey(account: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(INCOME), account);
}

function songKey(songId: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(SONG), songId);
}

function byOwnerKey(owner: Uint8Array, songId: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(BY_OWNER), owner, songId);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
