// Transaction rules (PROTOCOL.md §4.1, §4.2) in two stages: sanity needs
// nothing but the bytes and the network; context reads the state through a
// StateView. Only transfers have state effects yet; every other type fails
// the context stage with `tx-type-inactive` until its issue lands.
import { accountId } from '../protocol/address.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import { txSigningMessage, type Tx } from '../protocol/tx.js';
import { checkPoison, checkPoisonSanity } from './poison.js';
import { checkSignature, firstInvalidSignature, type SignatureCheck } from './signature.js';
import type { StateView } from './state-view.js';

const IGNORE = { gossip: 'ignore' } as const;

function signatureCheck(tx: Tx, params: NetworkParams): SignatureCheck {
  return { signature: tx.signature, message: txSigningMessage(tx, params), key: tx.sender };
}

/** Context-free checks of one transaction, its signature included (§2.3: `bad-signature`). */
export function checkTxSanity(tx: Tx, params: NetworkParams): void {
  checkTxFields(tx, params);
  checkSignature(signatureCheck(tx, params), 'bad-signature');
}

/**
 * Context-free checks of many transactions, their signatures batch-verified;
 * throws for the first bad one. `alreadyVerified` names transactions whose
 * signature this node has verified before (e.g. on their way into the mempool):
 * a transaction id hashes every byte, signature included, so the same id is
 * the same verified bytes (Bitcoin Core's signature cache).
 */
export function checkTxsSanity(
  txs: readonly Tx[],
  params: NetworkParams,
  alreadyVerified: (tx: Tx) => boolean = () => false,
): void {
  txs.forEach((tx) => {
    checkTxFields(tx, params);
  });
  const pending = txs.flatMap((tx, index) => (alreadyVerified(tx) ? [] : [index]));
  const bad = firstInvalidSignature(pending.map((index) => signatureCheck(txs[index]!, params)));
  if (bad !== -1) throw new RuleError('bad-signature', { index: pending[bad] });
}

const MAX_SONG_SECONDS = 7200;
const SPLIT_TOTAL_BP = 10_000;

/** [REJECT] The rules of §4.2–§4.11 that need neither state nor time. */
function checkTxFields(tx: Tx, params: NetworkParams): void {
  const p = tx.payload;
  switch (p.type) {
    case 1:
    case 4:
    case 6:
      // Transfers, donations and stakes move a positive amount.
      if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
      return;
    case 7:
      // 0 < amount ≤ bonded (§4.8): the upper bound needs the state, zero never passes.
      if (p.amount === 0n) throw new RuleError('insufficient-stake', { amount: '0' });
      return;
    case 2:
      if (p.roles < 1 || p.roles > 3) throw new RuleError('bad-role', { roles: p.roles });
      return;
    case 3: {
      if (p.durationS < 1 || p.durationS > MAX_SONG_SECONDS) {
        throw new RuleError('bad-duration', { durationS: p.durationS });
      }
      const accounts = new Set(p.splits.map((s) => Buffer.from(s.account).toString('hex')));
      const total = p.splits.reduce((sum, s) => sum + s.bp, 0);
      if (
        p.splits.length === 0 ||
        p.splits.some((s) => s.bp === 0) ||
        accounts.size !== p.splits.length ||
        total !== SPLIT_TOTAL_BP
      ) {
        throw new RuleError('bad-split', { splits: p.splits.length, total });
      }
      return;
    }
    case 5:
      if (p.periods < 1 || p.periods > 366) throw new RuleError('bad-periods', { periods: p.periods });
      return;
    case 8:
      if (p.attestations.length === 0) throw new RuleError('bad-count', { count: 0 });
      return;
    case 9:
      if (p.votingPeriod < params.votingPeriod.min || p.votingPeriod > params.votingPeriod.max) {
        throw new RuleError('bad-voting-period', { votingPeriod: p.votingPeriod });
      }
      return;
    case 10:
      return;
    case 12:
      checkPoisonSanity(p);
      return;
  }
}

export interface TxContext {
  /** The containing key height c. */
  readonly keyHeight: bigint;
}

/** What a transaction debits from its sender beyond the fee. */
export function txDebit(tx: Tx): bigint {
  return tx.payload.type === 1 ? tx.payload.amount : 0n;
}

/** Checks against the state (§4.1): all [IGNORE] at gossip, since another node's state may differ. */
export function checkTxContext(tx: Tx, view: StateView, context: TxContext, params: NetworkParams): void {
  const { type } = tx.payload;
  if (type !== 1 && type !== 12) throw new RuleError('tx-type-inactive', { type }, IGNORE);
  const account = view.account(accountId(tx.sender));
  if (account === undefined) throw new RuleError('unknown-account', {}, IGNORE);
  if (tx.nonce !== account.nonce) {
    throw new RuleError('bad-nonce', { expected: account.nonce, got: tx.nonce }, IGNORE);
  }
  if (tx.validUntil !== 0n && context.keyHeight > tx.validUntil) {
    throw new RuleError('expired', { validUntil: tx.validUntil, keyHeight: context.keyHeight }, IGNORE);
  }
  const needed = tx.fee + txDebit(tx);
  if (account.balance < needed) {
    throw new RuleError('insufficient-funds', { balance: account.balance, needed }, IGNORE);
  }
  if (tx.payload.type === 12) checkPoison(tx.payload, view, context, params);
}
