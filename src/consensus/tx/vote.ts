// Type 10 Vote (PROTOCOL.md §4.11): a staker's choice on an open proposal,
// replaceable until the window's last key height `end`. The weight is W at the
// tally (§8.2), not at vote time. The effect is state/effects/vote.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { accountWeight } from '../stake.js';
import { noDebit, noSanity, type TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

export const voteRules: TxTypeRules<10> = {
  // The choice (1–3, `bad-choice`) is checked by the decoder; the payload type admits no other.
  sanity: noSanity,
  context(tx, view, context, params) {
    // [IGNORE] All three depend on the state or the height: another node may be elsewhere.
    const proposal = view.proposal(tx.payload.proposalId);
    if (proposal === undefined) throw new RuleError('unknown-proposal', {}, IGNORE);
    if (context.keyHeight > proposal.end) {
      throw new RuleError('voting-closed', { end: proposal.end, keyHeight: context.keyHeight }, IGNORE);
    }
    if (accountWeight(view, accountId(tx.sender), params) === 0n) {
      throw new RuleError('not-staker', {}, IGNORE);
    }
  },
  debit: noDebit,
};
