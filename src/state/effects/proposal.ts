// Type 9 Proposal (PROTOCOL.md §4.10): the deposit, already debited from the
// sender's balance, is held in escrow — the `deposit` of an open 0x0D record
// (decision 159) — until the tally refunds or forfeits it (§8.2). Id = txid;
// the voting window is [c, end], end = c + voting_period − 1.
import { PROPOSAL_OPEN } from '../../consensus/state-view.js';
import { accountId } from '../../protocol/address.js';
import { txId } from '../../protocol/tx.js';
import type { TxEffect } from './tx-effect.js';

export const applyProposal: TxEffect<9> = (view, tx, context, params) => {
  const { kind, text, votingPeriod, change } = tx.payload;
  view.setProposal(txId(tx), {
    proposer: accountId(tx.sender),
    kind,
    text,
    paramId: change?.paramId ?? 0,
    value: change?.value ?? 0n,
    deposit: params.governance.proposalDeposit,
    end: context.keyHeight + BigInt(votingPeriod) - 1n,
    status: PROPOSAL_OPEN,
    yes: 0n,
    no: 0n,
    abstain: 0n,
  });
};
