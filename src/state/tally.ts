// Step 2a of KeyConnect (PROTOCOL.md §3.8, §8.2): tally the proposals whose
// voting window ended at c−1, in ascending proposal id — quorum and pass by
// stake weight W, the deposit refunded or forfeited to the reserve, each
// voter's last_voted_end, the result stored in 0x0D, and a passed parameter
// change scheduled in 0x14 (§8.3).
import type { NetworkParams } from '../protocol/params.js';
import type { OverlayState } from './view.js';

export const tallyProposals: (view: OverlayState, c: bigint, params: NetworkParams) => void = () => {
  // Proposals cannot exist yet: type 9 is refused as tx-type-inactive until its effects land.
};
