// The governance events of GET /events (PROTOCOL.md §8.2, §8.3), derived from
// one block's state changes like the reward history's credits: the block's
// undo record names every 0x0D proposal whose status it moved, with the status
// before; the state as of the tip gives the status since. A tally moves a
// proposal from open (0) to no-quorum, rejected or passed; an apply step moves
// a passed one (3) to applied (4) or skipped (5). Those later statuses are
// final, and a tally's yes/no/abstain are never rewritten, so the tip's state
// tells what the block did however far behind the stream walks — the events
// replay with the blocks (decision 166). Nothing is stored for them.
import { governedParam } from '../consensus/governed-params.js';
import {
  PREFIX_PROPOSAL,
  PROPOSAL_APPLIED,
  PROPOSAL_NO_QUORUM,
  PROPOSAL_OPEN,
  PROPOSAL_PASSED,
  PROPOSAL_REJECTED,
  PROPOSAL_SKIPPED,
  PROPOSAL_STATUS_NAMES,
  decodeProposal,
  type Proposal,
} from '../state/governance-entries.js';
import type { UndoEntry } from '../state/view.js';
import { toHex } from '../util/bytes.js';

export interface GovernanceEvent {
  readonly event: 'proposal_tallied' | 'param_applied';
  readonly data: Record<string, unknown>;
}

/**
 * The proposals `undo`'s block tallied (`proposal_tallied`) and the parameter changes it applied or
 * skipped (`param_applied`), in ascending proposal id (the 0x0D key order: §3.8 tallies in that
 * order), tallies first. `proposal` reads 0x0D as of the tip; `block` is where the events happened.
 */
export function governanceEvents(
  undo: readonly UndoEntry[],
  proposal: (id: Uint8Array) => Proposal | undefined,
  block: { readonly hex: string; readonly keyHeight: bigint },
): GovernanceEvent[] {
  const tallied: GovernanceEvent[] = [];
  const applied: GovernanceEvent[] = [];
  const changed = undo
    .filter(({ key, prior }) => key[0] === PREFIX_PROPOSAL && key.length === 33 && prior !== undefined)
    .sort((a, b) => toHex(a.key).localeCompare(toHex(b.key)));
  for (const { key, prior } of changed) {
    const id = key.subarray(1);
    const before = decodeProposal(prior!);
    const now = proposal(id);
    if (now === undefined) continue;
    const height = Number(block.keyHeight);
    if (before.status === PROPOSAL_OPEN && now.status !== PROPOSAL_OPEN) {
      // What the tally decided: a passed proposal may since have applied, been skipped or replaced.
      const status =
        now.status === PROPOSAL_NO_QUORUM || now.status === PROPOSAL_REJECTED ? now.status : PROPOSAL_PASSED;
      tallied.push({
        event: 'proposal_tallied',
        data: {
          type: 'proposal_tallied',
          id: toHex(id),
          kind: now.kind,
          status: PROPOSAL_STATUS_NAMES[status],
          statusCode: status,
          yes: now.yes.toString(),
          no: now.no.toString(),
          abstain: now.abstain.toString(),
          end: Number(now.end),
          height,
          block: block.hex,
        },
      });
    } else if (
      before.status === PROPOSAL_PASSED &&
      (now.status === PROPOSAL_APPLIED || now.status === PROPOSAL_SKIPPED)
    ) {
      applied.push({
        event: 'param_applied',
        data: {
          type: 'param_applied',
          param: now.paramId,
          name: governedParam(now.paramId)?.name ?? null,
          value: now.value.toString(),
          proposal: toHex(id),
          status: PROPOSAL_STATUS_NAMES[now.status],
          statusCode: now.status,
          height,
          block: block.hex,
        },
      });
    }
  }
  // §3.8 step 2 tallies, then applies; apply order is param_id, ascending.
  applied.sort((a, b) => (a.data.param as number) - (b.data.param as number));
  return [...tallied, ...applied];
}
