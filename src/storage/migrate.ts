// Schema 3 → 4: the music index (layout.ts, `music`): its songs by owner are
// read from the state's 0x03 entries, whose value starts with the owner (§9.1),
// and its income (0x00, 0x01) is complete only from the key height after the
// tip's; the reward history gains its totals per kind, summed from the records
// already there. Schema 2 → 3: the reward history (layout.ts, `rewards`) starts empty and is
// complete only from the key height after the tip's: the credits of blocks
// connected before cannot be told apart from the state, whose matured entries
// are gone. Schema 1 → 2: build the block index (layout.ts, `index`) from the stored
// blocks, parents before children. Reads only the fixed-offset header fields
// of PROTOCOL.md §3.2 and §3.3 (kind, prev, the bytes an id hashes): linear in
// the number of blocks, once.
import { sha256d } from '../crypto/hash.js';
import type { Tables, WritableTable } from './db.js';
import { appendIndexRecord } from './index-record.js';
import { META_MUSIC_FROM, META_REWARDS_FROM, META_TIP } from './layout.js';
import { readU128be, u128beBytes } from '../util/bytes.js';

const KEY_BLOCK_LENGTH = 184;
const KEY_HEADER_LENGTH = 80;
const MICRO_HEADER_LENGTH = 124;
/** Both headers carry prev at bytes 4–36. */
const PREV = [4, 36] as const;
/** Schema 1 knew only bootstrap activation (§5.1). */
const BOOTSTRAP = 1;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export function migrateToIndex(tables: Tables<WritableTable>): void {
  const children = new Map<string, { id: Uint8Array; kind: 'key' | 'micro'; bytes: Uint8Array }[]>();
  for (const { value } of tables.blocks.range()) {
    const kind = value[0] === 0 ? 'key' : 'micro';
    const bytes = value.slice(1, 1 + (kind === 'key' ? KEY_BLOCK_LENGTH : MICRO_HEADER_LENGTH));
    const id = sha256d(bytes.subarray(0, kind === 'key' ? KEY_HEADER_LENGTH : MICRO_HEADER_LENGTH));
    const prev = hex(bytes.subarray(...PREV));
    const siblings = children.get(prev) ?? [];
    siblings.push({ id, kind, bytes });
    children.set(prev, siblings);
  }
  // Genesis is the key block whose prev is 32 zero bytes (§1.3).
  const queue = [...(children.get('00'.repeat(32)) ?? [])];
  for (let at = 0; at < queue.length; at++) {
    const block = queue[at]!;
    appendIndexRecord(tables.meta, tables.index, {
      kind: block.kind,
      activation: block.kind === 'key' ? BOOTSTRAP : 0,
      bytes: block.bytes,
    });
    queue.push(...(children.get(hex(block.id)) ?? []));
  }
}

/** Offsets of a stored block (kind u8 ‖ encoding): a key block's body height, a microblock's key_height (§3.2, §3.3). */
const KEY_HEIGHT_AT = { key: 1 + KEY_HEADER_LENGTH + 4, micro: 1 + 36 } as const;

/** Records that the reward history holds no credit with a source height at or below the tip's key height. */
export function migrateToRewards(tables: Tables<WritableTable>): void {
  const tip = tables.meta.get(new TextEncoder().encode(META_TIP));
  const stored = tip === undefined ? undefined : tables.blocks.get(tip);
  // No tip: no block was ever connected, the history is complete from genesis.
  if (stored === undefined) return;
  const at = stored[0] === 0 ? KEY_HEIGHT_AT.key : KEY_HEIGHT_AT.micro;
  const keyHeight = new DataView(stored.buffer, stored.byteOffset).getBigUint64(at, true);
  const from = new Uint8Array(8);
  new DataView(from.buffer).setBigUint64(0, keyHeight + 1n);
  tables.meta.put(new TextEncoder().encode(META_REWARDS_FROM), from);
}

/** §9.1: a 0x03 key is the prefix ‖ song_id [32], its value starts with owner [20]. */
const PREFIX_SONG = 0x03;
const MUSIC_BY_OWNER = 0x02;
/** The reward history's records (0x01 ‖ account ‖ source ‖ kind → maturity ‖ amount) and kind totals (0x02). */
const REWARD_RECORD = 0x01;
const REWARD_KIND_TOTAL = 0x02;

/**
 * Songs by owner from every 0x03 entry; income complete from the key height after the tip's; the
 * reward history's totals per (account, kind) summed from its records.
 */
export function migrateToMusic(tables: Tables<WritableTable>): void {
  for (const { key, value } of tables.state.range(
    Uint8Array.of(PREFIX_SONG),
    Uint8Array.of(PREFIX_SONG + 1),
  )) {
    const indexKey = new Uint8Array(1 + 20 + 32);
    indexKey[0] = MUSIC_BY_OWNER;
    indexKey.set(value.subarray(0, 20), 1);
    indexKey.set(key.subarray(1, 33), 21);
    tables.music.put(indexKey, new Uint8Array(0));
  }
  const totals = new Map<string, bigint>();
  for (const { key, value } of tables.rewards.range(
    Uint8Array.of(REWARD_RECORD),
    Uint8Array.of(REWARD_RECORD + 1),
  )) {
    const at = hex(Uint8Array.of(REWARD_KIND_TOTAL, ...key.subarray(1, 21), key[29]!));
    totals.set(at, (totals.get(at) ?? 0n) + readU128be(value, 8));
  }
  for (const [at, total] of totals) tables.rewards.put(Buffer.from(at, 'hex'), u128beBytes(total));
  const keyHeight = tipKeyHeight(tables);
  if (keyHeight === undefined) return;
  const from = new Uint8Array(8);
  new DataView(from.buffer).setBigUint64(0, keyHeight + 1n);
  tables.meta.put(new TextEncoder().encode(META_MUSIC_FROM), from);
}

function tipKeyHeight(tables: Tables<WritableTable>): bigint | undefined {
  const tip = tables.meta.get(new TextEncoder().encode(META_TIP));
  const stored = tip === undefined ? undefined : tables.blocks.get(tip);
  if (stored === undefined) return undefined;
  const at = stored[0] === 0 ? KEY_HEIGHT_AT.key : KEY_HEIGHT_AT.micro;
  return new DataView(stored.buffer, stored.byteOffset).getBigUint64(at, true);
}
