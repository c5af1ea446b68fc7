// The proposal-end index (storage/layout.ts, `proposal-ends`): every 0x0D
// proposal under end ‖ proposal_id, so the tally at KeyConnect(c) (§8.2) reads
// the windows that ended at c−1 as one short range instead of scanning every
// proposal ever made (decision 158). Not consensus data: it is derived from
// the 0x0D keys a block creates — what its overlay wrote on connect, what its
// undo record removes on disconnect — in the same transaction as the state, so
// it always describes the state beside it. The tally still checks each id
// against 0x0D (open, that end), so the index can only narrow the search.
import type { Table, WritableTable } from '../storage/db.js';
import { PREFIX_PROPOSAL, proposalEndAndStatus } from './governance-entries.js';
import type { OverlayState, UndoEntry } from './view.js';

/** Where the tally finds the proposals whose window ends at a height. */
export interface ProposalEnds {
  /** The ids of proposals with this `end`, in ascending id. */
  endingAt(end: bigint): Uint8Array[];
}

function indexKey(end: bigint, id: Uint8Array): Uint8Array {
  const key = new Uint8Array(8 + 32);
  new DataView(key.buffer).setBigUint64(0, end);
  key.set(id, 8);
  return key;
}

export function proposalEndsIn(table: Table): ProposalEnds {
  return {
    endingAt(end) {
      const ids: Uint8Array[] = [];
      for (const { key } of table.range(
        indexKey(end, new Uint8Array(32)),
        indexKey(end + 1n, new Uint8Array(32)),
      ))
        ids.push(key.slice(8));
      return ids;
    },
  };
}

/** The block's new proposals (0x0D keys that did not exist before it) join the index. */
export function indexConnect(table: WritableTable, view: OverlayState): void {
  for (const { key, prior } of view.undoEntries()) {
    if (key[0] !== PREFIX_PROPOSAL || prior !== undefined) continue;
    const value = view.get(key);
    if (value !== undefined)
      table.put(indexKey(proposalEndAndStatus(value).end, key.subarray(1)), new Uint8Array(0));
  }
}

/** Before `entries` (the block's undo record) are replayed on `state`: the block's new proposals leave the index. */
export function indexDisconnect(table: WritableTable, state: Table, entries: readonly UndoEntry[]): void {
  for (const { key, prior } of entries) {
    if (key[0] !== PREFIX_PROPOSAL || prior !== undefined) continue;
    const value = state.get(key);
    if (value !== undefined) table.remove(indexKey(proposalEndAndStatus(value).end, key.subarray(1)));
  }
}
