// A parameter change as a passed tally leaves it (PROPOSAL passed in 0x0D, the
// change in 0x14), written straight into a chain's state: chain tests of the
// apply step need no Proposal and Vote transactions. Written at genesis, below
// any reorg, and the same on every chain a test compares.
import { PROPOSAL_PASSED } from '../../src/state/governance-entries.js';
import { OverlayState } from '../../src/state/view.js';
import type { Storage } from '../../src/storage/db.js';

/** Schedules `paramId` → `value` at `applyHeight` under proposal `proposalId` (deposit 0: no escrow). */
export function scheduleChange(
  storage: Storage,
  change: {
    readonly proposalId: Uint8Array;
    readonly paramId: number;
    readonly value: bigint;
    readonly applyHeight: bigint;
  },
): void {
  storage.commit((tables) => {
    const view = new OverlayState(tables.state);
    view.setProposal(change.proposalId, {
      proposer: new Uint8Array(20).fill(7),
      kind: 1,
      text: 'a scheduled change',
      paramId: change.paramId,
      value: change.value,
      deposit: 0n,
      end: 0n,
      status: PROPOSAL_PASSED,
      yes: 1n,
      no: 0n,
      abstain: 0n,
    });
    view.setScheduled(change.applyHeight, change.paramId, {
      proposalId: change.proposalId,
      value: change.value,
    });
    view.writeTo(tables.state);
  });
}
