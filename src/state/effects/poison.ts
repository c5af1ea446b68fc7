// Type 12 Poison (PROTOCOL.md §3.9): cancel K_k.payout's pending miner share
// (kind 1, source k), its 60% of epoch k−1's fees (kind 3, source k) and its 40%
// of epoch k's (kind 2, source k+1); the reporter gets 5% of each part; the rest
// of the subsidy is never minted and the rest of the fees is burned; the epoch
// is marked poisoned.
import { checkPoison } from '../../consensus/tx/poison.js';
import { accountId } from '../../protocol/address.js';
import {
  KIND_LEADER_FEE,
  KIND_MINER,
  KIND_NEXT_LEADER_FEE,
  KIND_POISON_FEE,
  KIND_POISON_MINT,
  decodePending,
  pendingKey,
} from '../entries.js';
import { addPending } from '../pending.js';
import type { TxEffect } from './tx-effect.js';

const BOUNTY_BP = 500n;

export const applyPoison: TxEffect<12> = (view, tx, context, params) => {
  const k = checkPoison(tx.payload, view, context, params);
  const epoch = view.epoch(k)!;
  const maturity = BigInt(params.rewardMaturity);
  const take = (key: Uint8Array): bigint => {
    const bytes = view.get(key);
    if (bytes === undefined) return 0n;
    view.set(key, undefined);
    return decodePending(bytes).amount;
  };
  const mint = take(pendingKey(k + maturity, epoch.payout, k, KIND_MINER));
  const fees =
    take(pendingKey(k + maturity, epoch.payout, k, KIND_NEXT_LEADER_FEE)) +
    take(pendingKey(k + 1n + maturity, epoch.payout, k + 1n, KIND_LEADER_FEE));
  const reporter = accountId(tx.sender);
  const mintBounty = (mint * BOUNTY_BP) / 10000n;
  const feeBounty = (fees * BOUNTY_BP) / 10000n;
  addPending(view, params, reporter, context.keyHeight, KIND_POISON_MINT, mintBounty);
  addPending(view, params, reporter, context.keyHeight, KIND_POISON_FEE, feeBounty);
  const counters = view.counters();
  view.setCounters({ ...counters, burned: counters.burned + fees - feeBounty });
  view.setEpoch(k, { ...epoch, poisoned: true });
};
