// Type 9 Proposal (PROTOCOL.md §4.10). Effects: the governance issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, noDebit, type TxTypeRules } from './type-rules.js';

export const proposalRules: TxTypeRules<9> = {
  sanity(p, params) {
    if (p.votingPeriod < params.votingPeriod.min || p.votingPeriod > params.votingPeriod.max) {
      throw new RuleError('bad-voting-period', { votingPeriod: p.votingPeriod });
    }
  },
  context: inactive,
  debit: noDebit,
};
