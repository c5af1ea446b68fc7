// Which failures condemn a block id (PROTOCOL.md §3.3, §4.13). A failure that is
// not permanent (`time-too-new`: retry later) condemns nothing. A `mutated`-class
// failure condemns only the bytes received: anyone can alter what the header
// does not sign (CVE-2012-2459), so marking the id would let a third party
// blacklist an honest block.
import type { RuleCode, RuleError } from '../protocol/errors.js';

const MUTATED_CLASS: ReadonlySet<RuleCode> = new Set([
  'microblock-too-large',
  'mutated',
  'bad-leader-signature',
]);

/** Whether a failure condemns only the bytes received, never the block id (§3.3). */
export function isMutatedClass(code: RuleCode): boolean {
  return MUTATED_CLASS.has(code);
}

/** Whether a block that failed with `error` is invalid for good, under its id. */
export function invalidates(error: RuleError): boolean {
  return error.permanent && !isMutatedClass(error.code);
}
