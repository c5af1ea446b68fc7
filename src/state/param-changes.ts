// Step 2b of KeyConnect (PROTOCOL.md §3.8, §8.3): apply the parameter changes
// scheduled for c (0x14) in ascending param_id, each checked against the
// values then in force — including those applied earlier in the same step —
// so two individually valid changes cannot jointly break a bound; one that
// would break a bound or the match-rate sum is skipped (status 5), the others
// become the value in force (0x13, status 4). The 0x14 entry goes either way.
// Every write goes through the overlay, so the block's undo record restores
// the values, the statuses and the schedule on a reorg.
import { changeFits, paramInForce } from '../consensus/governed-params.js';
import type { NetworkParams } from '../protocol/params.js';
import {
  PROPOSAL_APPLIED,
  PROPOSAL_SKIPPED,
  decodeScheduled,
  decodeScheduledKey,
  scheduledRange,
} from './governance-entries.js';
import type { OverlayState } from './view.js';

export interface ChangeOutcome {
  readonly paramId: number;
  readonly proposalId: Uint8Array;
  readonly value: bigint;
  /** true: it became the value in force (status 4); false: skipped (status 5). */
  readonly applied: boolean;
}

type ReadView = Pick<OverlayState, 'range' | 'param'>;

/** What step 2b does at `c` on the state `view` (the one before it), without writing anything. */
export function scheduledOutcomes(view: ReadView, c: bigint, params: NetworkParams): ChangeOutcome[] {
  const applied = new Map<number, bigint>();
  const inForce = (id: number): bigint => applied.get(id) ?? paramInForce(view, id, params);
  const { start, end } = scheduledRange(c);
  return view.range(start, end).map(({ key, value }) => {
    const { paramId } = decodeScheduledKey(key);
    const change = decodeScheduled(value);
    const fits = changeFits(paramId, change.value, inForce, params);
    if (fits) applied.set(paramId, change.value);
    return { paramId, proposalId: change.proposalId, value: change.value, applied: fits };
  });
}

/** Step 2b at `c`: the outcomes, in the order they applied (ascending param_id). */
export function applyScheduledChanges(view: OverlayState, c: bigint, params: NetworkParams): ChangeOutcome[] {
  const outcomes = scheduledOutcomes(view, c, params);
  for (const outcome of outcomes) {
    if (outcome.applied) view.setParam(outcome.paramId, outcome.value);
    const proposal = view.proposal(outcome.proposalId);
    if (proposal !== undefined) {
      view.setProposal(outcome.proposalId, {
        ...proposal,
        status: outcome.applied ? PROPOSAL_APPLIED : PROPOSAL_SKIPPED,
      });
    }
    view.setScheduled(c, outcome.paramId, undefined);
  }
  return outcomes;
}

/**
 * The value of governed parameter `id` in force after KeyConnect(`c`), read from `view`, the state
 * before it: what §3.3 computes tentatively while validating M_{c,0} of an endorsed epoch. Tallies at
 * c schedule nothing for c (apply_height = end + 1 + PARAM_CHANGE_DELAY > c while the delay is ≥ 1),
 * so the changes already scheduled for c are all that can move it.
 */
export function paramAfterKeyConnect(view: ReadView, id: number, c: bigint, params: NetworkParams): bigint {
  let value = paramInForce(view, id, params);
  for (const outcome of scheduledOutcomes(view, c, params))
    if (outcome.applied && outcome.paramId === id) value = outcome.value;
  return value;
}
