// Transaction rules (PROTOCOL.md §4.1) in two stages: sanity needs nothing but
// the bytes and the network; context reads the state through a StateView. The
// common rules live here; each type's own are in consensus/tx/<type>.ts.
import { accountId } from '../protocol/address.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import { txSigningMessage, type Tx } from '../protocol/tx.js';
import { markAttestationsVerified } from './attestation.js';
import { checkSignature, firstInvalidSignature, type SignatureCheck } from './signature.js';
import type { StateView } from './state-view.js';
import { rulesOf, type TxContext } from './tx/index.js';

export { txDebit, type BlockTxContext, type TxContext } from './tx/index.js';

const IGNORE = { gossip: 'ignore' } as const;

function signatureCheck(tx: Tx, params: NetworkParams): SignatureCheck {
  return { signature: tx.signature, message: txSigningMessage(tx, params), key: tx.sender };
}

/** Context-free checks of one transaction, its signature included (§2.3: `bad-signature`). */
export function checkTxSanity(tx: Tx, params: NetworkParams): void {
  checkTxFields(tx, params);
  checkTxSignature(tx, params);
}

/** [REJECT] The transaction's signature (§2.3): the dear part of sanity, which a caller may run last. */
export function checkTxSignature(tx: Tx, params: NetworkParams): void {
  checkSignature(signatureCheck(tx, params), 'bad-signature');
}

/**
 * Context-free checks of many transactions, their signatures batch-verified;
 * throws for the first bad one. `alreadyVerified` names transactions whose
 * signature this node has verified before (e.g. on their way into the mempool):
 * a transaction id hashes every byte, signature included, so the same id is
 * the same verified bytes (Bitcoin Core's signature cache). A PlayReport's
 * attestation signatures are checked with its context, in list order among
 * §4.9's rules (consensus/attestation.ts).
 */
export function checkTxsSanity(
  txs: readonly Tx[],
  params: NetworkParams,
  alreadyVerified: (tx: Tx) => boolean = () => false,
): void {
  txs.forEach((tx) => {
    checkTxFields(tx, params);
  });
  const pending = txs.flatMap((tx, index) => {
    if (!alreadyVerified(tx)) return [index];
    // The cached id covers a PlayReport's attestations too: the mempool admits none with a bad one.
    if (tx.payload.type === 8) markAttestationsVerified(tx.payload, params);
    return [];
  });
  const bad = firstInvalidSignature(pending.map((index) => signatureCheck(txs[index]!, params)));
  if (bad !== -1) throw new RuleError('bad-signature', { index: pending[bad] });
}

/** [REJECT] The rules of the transaction's type that need neither state nor time (§4.2–§4.12). */
export function checkTxFields(tx: Tx, params: NetworkParams): void {
  rulesOf(tx).sanity(tx.payload, params, tx);
}

/** Checks against the state (§4.1), then the type's own: all [IGNORE] at gossip, since another node's state may differ. */
export function checkTxContext(tx: Tx, view: StateView, context: TxContext, params: NetworkParams): void {
  const rules = rulesOf(tx);
  const account = view.account(accountId(tx.sender));
  if (account === undefined) throw new RuleError('unknown-account', {}, IGNORE);
  if (tx.nonce !== account.nonce) {
    throw new RuleError('bad-nonce', { expected: account.nonce, got: tx.nonce }, IGNORE);
  }
  if (tx.validUntil !== 0n && context.keyHeight > tx.validUntil) {
    throw new RuleError('expired', { validUntil: tx.validUntil, keyHeight: context.keyHeight }, IGNORE);
  }
  const needed = tx.fee + rules.debit(tx.payload, params);
  if (account.balance < needed) {
    throw new RuleError('insufficient-funds', { balance: account.balance, needed }, IGNORE);
  }
  rules.context(tx, view, context, params);
}
