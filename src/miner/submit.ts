// A solved key block enters the chain here, from the built-in miner or from
// POST /mining/submit alike (PROTOCOL.md §11.1).
import type { AddResult, Chain } from '../chain/chain.js';
import { RuleError } from '../protocol/errors.js';
import { keyBlockId, type KeyBlock } from '../protocol/key-block.js';
import { toHex } from '../util/bytes.js';

export interface SubmitResult {
  readonly accepted: boolean;
  /** Why not: a rule code, 'duplicate', or 'orphan' (its parent is unknown); null when accepted. */
  readonly reason: string | null;
  readonly id: string;
  readonly result: AddResult | null;
}

export function submitKeyBlock(chain: Pick<Chain, 'add'>, block: KeyBlock): SubmitResult {
  const id = toHex(keyBlockId(block.header));
  let result: AddResult;
  try {
    result = chain.add({ kind: 'key', block });
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    return { accepted: false, reason: error.code, id, result: null };
  }
  // A candidate is valid and waits for its endorsements (§5.4).
  const accepted =
    result === 'connected' || result === 'reorged' || result === 'side' || result === 'candidate';
  return { accepted, reason: accepted ? null : result, id, result };
}
