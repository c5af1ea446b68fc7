// How the chain learns a key block's activation (PROTOCOL.md §5): the one
// input Proof of Activity gives it. `activation` is asked once per valid key
// block, with the state after its parent (the §5.1 snapshot) read only if it
// needs it; `endorsers` checks the activation section of an endorsed epoch's
// M_{h,0} against that same snapshot and names the validators it credits.
import type { Activation } from '../consensus/activation.js';
import type { KeyBlock } from '../protocol/key-block.js';
import type { Microblock } from '../protocol/microblock.js';
import type { OverlayState } from '../state/view.js';
import type { Entry, KeyEntry } from './index-entry.js';

/** Runs `read` on the state after the key block's parent and returns what it returns. */
export type WithSnapshot = <T>(read: (snapshot: OverlayState) => T) => T;

export interface ActivationRules {
  activation(block: KeyBlock, parent: Entry, withSnapshot: WithSnapshot): Activation;
  /** The validator account of each included endorsement, in section order; throws a RuleError if the section fails §5.4. */
  endorsers(block: Microblock, key: KeyEntry, snapshot: OverlayState): readonly Uint8Array[];
}
