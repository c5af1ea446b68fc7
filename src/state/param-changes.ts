// Step 2b of KeyConnect (PROTOCOL.md §3.8, §8.3): apply the parameter changes
// scheduled for c (0x14) in ascending param_id, each checked against the
// values then in force; one that would break a bound or the match-rate sum is
// skipped (status 5), the others become the value in force (0x13, status 4).
import type { NetworkParams } from '../protocol/params.js';
import type { OverlayState } from './view.js';

export const applyScheduledChanges: (view: OverlayState, c: bigint, params: NetworkParams) => void = () => {
  // Nothing is scheduled before tallies pass parameter changes (state/tally.ts).
};
