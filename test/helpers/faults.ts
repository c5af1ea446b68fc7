// Fault injection for storage: a commit that throws before its `failAt`-th write
// (a put or a remove, counted across every table), as a crash there would leave it.
import type { Storage, Tables, WritableTable } from '../../src/storage/db.js';

/** Makes `storage.commit` fail at write `failAt`; returns the function that restores it. */
export function failCommitsAt(storage: Storage, failAt: number): () => void {
  const commit = storage.commit.bind(storage);
  let writes = 0;
  storage.commit = ((write: (tables: Tables<WritableTable>) => unknown) =>
    commit((tables) => {
      const guard = (table: WritableTable): WritableTable => ({
        ...table,
        put: (key, value) => {
          if (++writes === failAt) throw new Error(`fault at write ${failAt}`);
          table.put(key, value);
        },
        remove: (key) => {
          if (++writes === failAt) throw new Error(`fault at write ${failAt}`);
          table.remove(key);
        },
      });
      return write({
        meta: guard(tables.meta),
        state: guard(tables.state),
        blocks: guard(tables.blocks),
        undo: guard(tables.undo),
        txindex: guard(tables.txindex),
        index: guard(tables.index),
        rewards: guard(tables.rewards),
        bans: guard(tables.bans),
        proposalEnds: guard(tables.proposalEnds),
        settlements: guard(tables.settlements),
        music: guard(tables.music),
      });
    })) as typeof storage.commit;
  return () => {
    storage.commit = commit;
  };
}
