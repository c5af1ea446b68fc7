// State effects (PROTOCOL.md §4.1, §4.2): a transaction debits its fee into
// the epoch's fee accumulator, bumps the sender's nonce and applies its type's
// effect, all into the overlay of the block being applied.
import { checkPoison } from '../consensus/poison.js';
import { checkTxContext, type TxContext } from '../consensus/tx-rules.js';
import {
  KIND_LEADER_FEE,
  KIND_MINER,
  KIND_NEXT_LEADER_FEE,
  KIND_POISON_FEE,
  KIND_POISON_MINT,
  decodePending,
  pendingKey,
} from './entries.js';
import { addPending } from './key-connect.js';
import { RESERVE_ACCOUNT, accountId } from '../protocol/address.js';
import type { NetworkParams } from '../protocol/params.js';
import type { Tx } from '../protocol/tx.js';
import type { OverlayState } from './view.js';

export function applyTx(view: OverlayState, tx: Tx, context: TxContext, params: NetworkParams): void {
  checkTxContext(tx, view, context, params);
  const sender = accountId(tx.sender);
  const from = view.account(sender)!;
  const debit = tx.payload.type === 1 ? tx.payload.amount : 0n;
  view.setAccount(sender, { balance: from.balance - tx.fee - debit, nonce: from.nonce + 1n });
  const counters = view.counters();
  view.setCounters({ ...counters, fees: counters.fees + tx.fee });
  if (tx.payload.type === 1) {
    // Read after the debit, so a transfer to oneself nets out.
    const to = view.account(tx.payload.to) ?? { balance: 0n, nonce: 0n };
    view.setAccount(tx.payload.to, { balance: to.balance + tx.payload.amount, nonce: to.nonce });
  }
  if (tx.payload.type === 12) applyPoison(view, tx, context, params);
}

/**
 * §3.9: cancel K_k.payout's pending miner share (kind 1, source k), its 60% of
 * epoch k−1's fees (kind 3, source k) and its 40% of epoch k's (kind 2, source
 * k+1); the reporter gets 5% of each part; the rest of the subsidy is never
 * minted and the rest of the fees is burned; the epoch is marked poisoned.
 */
function applyPoison(view: OverlayState, tx: Tx, context: TxContext, params: NetworkParams): void {
  if (tx.payload.type !== 12) return;
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
  const mintBounty = (mint * 500n) / 10000n;
  const feeBounty = (fees * 500n) / 10000n;
  addPending(view, params, reporter, context.keyHeight, KIND_POISON_MINT, mintBounty);
  addPending(view, params, reporter, context.keyHeight, KIND_POISON_FEE, feeBounty);
  const counters = view.counters();
  view.setCounters({ ...counters, burned: counters.burned + fees - feeBounty });
  view.setEpoch(k, { ...epoch, poisoned: true });
}

/** The genesis state (§1.3, §9.1): allocations credited and counted as minted; the reserve account and the counters exist. */
export function applyGenesis(view: OverlayState, params: NetworkParams): void {
  let minted = 0n;
  for (const allocation of params.genesis.allocations) {
    const id = Uint8Array.from(Buffer.from(allocation.account, 'hex'));
    view.setAccount(id, { balance: allocation.amount, nonce: 0n });
    minted += allocation.amount;
  }
  if (view.account(RESERVE_ACCOUNT) === undefined)
    view.setAccount(RESERVE_ACCOUNT, { balance: 0n, nonce: 0n });
  view.setCounters({ ...view.counters(), minted });
}
