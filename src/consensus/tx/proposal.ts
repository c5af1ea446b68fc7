// Type 9 Proposal (PROTOCOL.md §4.10): a signal (kind 0) or a change of one
// governed parameter (kind 1, whitelist and bounds of §8.3 checked here), open
// for votes in [c, c + voting_period − 1]. Only a staker (W > 0) may propose,
// and the sender pays PROPOSAL_DEPOSIT into escrow, so §4.1's
// insufficient-funds counts fee + deposit. The effect is state/effects/proposal.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { checkParamChange } from '../governed-params.js';
import { accountWeight } from '../stake.js';
import type { TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

export const proposalRules: TxTypeRules<9> = {
  sanity(p, params) {
    if (p.votingPeriod < params.votingPeriod.min || p.votingPeriod > params.votingPeriod.max) {
      throw new RuleError('bad-voting-period', { votingPeriod: p.votingPeriod });
    }
    // The decoder gives kind 1 its change and kind 0 none; a built object may not have been decoded.
    if (p.kind === 1) {
      if (p.change === undefined) throw new RuleError('bad-encoding', { what: 'parameter change missing' });
      checkParamChange(p.change.paramId, p.change.value, params);
    } else if (p.change !== undefined) {
      throw new RuleError('bad-encoding', { what: 'signal proposal with a parameter change' });
    }
  },
  context(tx, view, _context, params) {
    // [IGNORE] Depends on the state: another node may have seen the Stake.
    if (accountWeight(view, accountId(tx.sender), params) === 0n) {
      throw new RuleError('not-staker', {}, IGNORE);
    }
  },
  debit: (_p, params) => params.governance.proposalDeposit,
};
