// Transaction rules (PROTOCOL.md §4.1, §4.2) in two stages: sanity needs
// nothing but the bytes and the network; context reads the state through a
// StateView. Only transfers have state effects yet; every other type fails
// the context stage with `tx-type-inactive` until its issue lands.
import { isCanonicalEncoding, isSmallOrder, verify, verifyBatch } from '../crypto/ed25519.js';
import { accountId } from '../protocol/address.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import { encodeTxUnsigned, type Tx } from '../protocol/tx.js';
import { checkPoison } from './poison.js';
import type { StateView } from './state-view.js';

const IGNORE = { gossip: 'ignore' } as const;

/** The signed message: "ALTO/<chainId>/tx" ‖ every byte before the signature (§2.6, §4.1). */
export function txSigningMessage(tx: Omit<Tx, 'signature'>, params: NetworkParams): Uint8Array {
  const domain = new TextEncoder().encode(`ALTO/${params.chainId}/tx`);
  const body = encodeTxUnsigned(tx);
  const message = new Uint8Array(domain.length + body.length);
  message.set(domain);
  message.set(body, domain.length);
  return message;
}

/** [REJECT] The sender key must be canonical and not of small order (§2.3); both fail as `bad-signature`. */
function checkSenderKey(tx: Tx): void {
  if (!isCanonicalEncoding(tx.sender) || isSmallOrder(tx.sender)) {
    throw new RuleError('bad-signature', { reason: 'sender key not canonical or of small order' });
  }
  if (!isCanonicalEncoding(tx.signature.subarray(0, 32))) {
    throw new RuleError('bad-signature', { reason: 'R not canonical' });
  }
}

/** Context-free checks of one transaction, its signature included. */
export function checkTxSanity(tx: Tx, params: NetworkParams): void {
  checkTxFields(tx);
  checkSenderKey(tx);
  if (!verify(tx.signature, txSigningMessage(tx, params), tx.sender)) {
    throw new RuleError('bad-signature', {});
  }
}

/** Context-free checks of many transactions, their signatures batch-verified; throws for the first bad one. */
export function checkTxsSanity(txs: readonly Tx[], params: NetworkParams): void {
  txs.forEach((tx) => {
    checkTxFields(tx);
    checkSenderKey(tx);
  });
  const valid = verifyBatch(
    txs.map((tx) => ({
      signature: tx.signature,
      message: txSigningMessage(tx, params),
      publicKey: tx.sender,
    })),
  );
  const bad = valid.indexOf(false);
  if (bad !== -1) throw new RuleError('bad-signature', { index: bad });
}

function checkTxFields(tx: Tx): void {
  // [REJECT] A transfer moves a positive amount (§4.2).
  if (tx.payload.type === 1 && tx.payload.amount === 0n) throw new RuleError('bad-amount', { amount: '0' });
  // [REJECT] A play report carries at least one attestation (§4.9).
  if (tx.payload.type === 8 && tx.payload.attestations.length === 0)
    throw new RuleError('bad-count', { count: 0 });
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
