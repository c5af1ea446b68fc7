// The node's LMDB environment: the only module that imports lmdb. Writes go
// through commit(), one synchronous transaction: everything in it lands, or
// nothing does (PROTOCOL.md §9.2). No await may sit inside a commit.
import { open, type Database, type RootDatabase } from 'lmdb';
import {
  DB_BANS,
  DB_BLOCKS,
  DB_INDEX,
  DB_META,
  DB_MUSIC,
  DB_PROPOSAL_ENDS,
  DB_SETTLEMENTS,
  DB_REWARDS,
  DB_STATE,
  DB_TXINDEX,
  DB_UNDO,
  META_VERSION,
  SCHEMA_VERSION,
} from './layout.js';
import { migrateToIndex, migrateToMusic, migrateToRewards } from './migrate.js';

export type Bytes = Uint8Array;

/**
 * LMDB's named-database slots (`maxDbs`): the eleven sub-databases of layout.ts and room for a few
 * more indexes. Read at open, not stored, so raising it needs no migration (decision 146).
 */
export const MAX_SUB_DATABASES = 12;

/** Read access to one sub-database. Keys and values are raw bytes. */
export interface Table {
  get(key: Bytes): Bytes | undefined;
  /** Entries with start ≤ key < end, ascending. */
  range(start?: Bytes, end?: Bytes): Iterable<{ key: Bytes; value: Bytes }>;
  /**
   * Entries with start < key < end, descending (newest first where keys end in a height): `start`
   * itself is left out, as lmdb's reverse read leaves out its lower bound.
   */
  rangeDescending(start: Bytes, end: Bytes): Iterable<{ key: Bytes; value: Bytes }>;
  /** The entry with the least key in start ≤ key < end, if any: one cursor step, no iterator kept. */
  first(start: Bytes, end: Bytes): { key: Bytes; value: Bytes } | undefined;
  /** The entry with the greatest key in floor < key < end (both bounds excluded), if any. */
  lastBetween(floor: Bytes, end: Bytes): { key: Bytes; value: Bytes } | undefined;
}

/** Write access, valid only inside commit(). */
export interface WritableTable extends Table {
  put(key: Bytes, value: Bytes): void;
  remove(key: Bytes): void;
}

export interface Tables<T> {
  readonly meta: T;
  readonly state: T;
  readonly blocks: T;
  readonly undo: T;
  readonly txindex: T;
  readonly index: T;
  readonly rewards: T;
  readonly bans: T;
  readonly proposalEnds: T;
  readonly settlements: T;
  readonly music: T;
}

function table(db: Database<Buffer, Buffer>): WritableTable {
  return {
    get: (key) => {
      const value = db.getBinary(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
      // getBinary's Buffer is already this call's own copy: a plain view of it, not a second copy.
      return value === undefined
        ? undefined
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    },
    range: (start, end) => {
      const options: { start?: Buffer; end?: Buffer } = {};
      if (start !== undefined) options.start = Buffer.from(start);
      if (end !== undefined) options.end = Buffer.from(end);
      return db
        .getRange(options)
        .map(({ key, value }) => ({ key: new Uint8Array(key), value: new Uint8Array(value) }));
    },
    rangeDescending: (start, end) =>
      // lmdb walks a reverse range from `start` (inclusive) down to `end` (exclusive): the bounds swap,
      // and the upper one, exclusive here, is skipped by hand.
      db
        .getRange({ start: Buffer.from(end), end: Buffer.from(start), reverse: true })
        .filter(({ key }) => Buffer.compare(key, Buffer.from(end)) !== 0)
        .map(({ key, value }) => ({ key: new Uint8Array(key), value: new Uint8Array(value) })),
    first: (start, end) => {
      for (const { key, value } of db.getRange({ start: start as Buffer, end: end as Buffer, limit: 1 })) {
        return { key: new Uint8Array(key), value: new Uint8Array(value) };
      }
      return undefined;
    },
    lastBetween: (floor, end) => {
      // Reverse: lmdb starts at `end` (inclusive, so skipped by hand) and stops before `floor`.
      const range = { start: end as Buffer, end: floor as Buffer, reverse: true, limit: 2 };
      for (const { key, value } of db.getRange(range)) {
        if (Buffer.compare(key, end) === 0) continue;
        return { key: new Uint8Array(key), value: new Uint8Array(value) };
      }
      return undefined;
    },
    // Inside commit() a put is written before it returns, and lmdb takes any Uint8Array: no copies.
    put: (key, value) => {
      void db.put(key as Buffer, value as Buffer);
    },
    remove: (key) => {
      void db.remove(key as Buffer);
    },
  };
}

export class Storage {
  private readonly root: RootDatabase;
  private readonly tables: Tables<WritableTable>;

  private constructor(root: RootDatabase) {
    this.root = root;
    const sub = (name: string): WritableTable =>
      table(root.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' }));
    this.tables = {
      meta: sub(DB_META),
      state: sub(DB_STATE),
      blocks: sub(DB_BLOCKS),
      undo: sub(DB_UNDO),
      txindex: sub(DB_TXINDEX),
      index: sub(DB_INDEX),
      rewards: sub(DB_REWARDS),
      bans: sub(DB_BANS),
      proposalEnds: sub(DB_PROPOSAL_ENDS),
      settlements: sub(DB_SETTLEMENTS),
      music: sub(DB_MUSIC),
    };
  }

  /**
   * Opens (creating if needed) the environment at `path` and checks its schema version. With
   * `durable: false` commits are not synced to disk: only for building test and bench data, where a
   * crash may lose the last commits.
   */
  static open(path: string, options: { readonly durable?: boolean } = {}): Storage {
    const root = open({
      path,
      maxDbs: MAX_SUB_DATABASES,
      compression: false,
      noSync: options.durable === false,
    });
    const storage = new Storage(root);
    const key = new TextEncoder().encode(META_VERSION);
    const stored = storage.tables.meta.get(key);
    if (stored === undefined) {
      storage.commit((t) => {
        t.meta.put(key, Uint8Array.of(SCHEMA_VERSION, 0, 0, 0));
      });
    } else if (stored[0] === 1 || stored[0] === 2 || stored[0] === 3) {
      // Schema 1 had no block index: build it once. Schemas 1 and 2 had no reward history: it is
      // complete from the next key height on (decision 141). Schemas 1–3 had no music index: its
      // songs by owner are read from the state, its income is complete from the next key height on
      // (decision 187). One transaction with the new version.
      const from = stored[0];
      storage.commit((t) => {
        if (from === 1) migrateToIndex(t);
        if (from <= 2) migrateToRewards(t);
        migrateToMusic(t);
        t.meta.put(key, Uint8Array.of(SCHEMA_VERSION, 0, 0, 0));
      });
    } else if (stored[0] !== SCHEMA_VERSION) {
      void root.close();
      throw new Error(
        `database at ${path} has schema ${stored[0]}, this node reads ${SCHEMA_VERSION}: resync into a new data directory`,
      );
    }
    return storage;
  }

  /** Read-only views of the committed data. */
  get read(): Tables<Table> {
    return this.tables;
  }

  /** Runs `write` in one synchronous LMDB transaction; a throw aborts all of it. */
  commit<T>(write: (tables: Tables<WritableTable>) => T): T {
    return this.root.transactionSync(() => write(this.tables));
  }

  /** Resolves once committed data is on disk. */
  async flushed(): Promise<void> {
    await this.root.flushed;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
