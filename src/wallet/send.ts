// Signed transfers (PROTOCOL.md §4.1, §4.2), over the same §2.6 message
// (protocol/tx.ts) that consensus verifies.
import { getPublicKey, sign, SIGNATURE_LENGTH } from '../crypto/ed25519.js';
import { decodeAddress } from '../protocol/address.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import { txEncodedLength, txSigningMessage, type Tx } from '../protocol/tx.js';
import { MIN_RELAY_FEE_RATE } from '../protocol/policy.js';

/** The minimum relay fee rate of §4.14, in base units per byte: a node may ask more, never less. */
export const MAX_MEMO_BYTES = 256;

const ZERO_KEY = new Uint8Array(32);
const ZERO_ACCOUNT = new Uint8Array(20);

/**
 * The encoded size of a transfer with a memo of `memoLength` bytes. Every other
 * field has a fixed width (the fee is a u128, the signature 64 bytes), so the
 * size, and with it the fee, is known before signing.
 */
export function transferLength(memoLength: number): number {
  return txEncodedLength({
    version: 1,
    sender: ZERO_KEY,
    nonce: 0n,
    fee: 0n,
    validUntil: 0n,
    payload: { type: 1, to: ZERO_ACCOUNT, amount: 0n, memo: new Uint8Array(memoLength) },
    signature: new Uint8Array(SIGNATURE_LENGTH),
  });
}

/** The fee a node relays: its minimum rate (never below §4.14's) times the encoded size. */
export function defaultTransferFee(memoLength: number, minFeeRate = MIN_RELAY_FEE_RATE): bigint {
  const rate = minFeeRate > MIN_RELAY_FEE_RATE ? minFeeRate : MIN_RELAY_FEE_RATE;
  return rate * BigInt(transferLength(memoLength));
}

export interface TransferSpec {
  /** The sender's 32-byte ed25519 seed. */
  readonly seed: Uint8Array;
  /** The recipient's address on `params`' network. */
  readonly to: string;
  readonly amount: bigint;
  /** Default: defaultTransferFee(memo length, minFeeRate). */
  readonly fee?: bigint;
  /** The node's current minimum in base units per byte (GET /status); used only without `fee`. */
  readonly minFeeRate?: bigint;
  readonly memo?: Uint8Array;
  /** The sender's next nonce: `nextNonce` of GET /accounts/:address. */
  readonly nonce: bigint;
  /** The last key height that may contain the tx; 0 (default): no expiry. */
  readonly validUntil?: bigint;
  readonly params: NetworkParams;
}

/** A signed type-1 transfer; throws `bad-address`, `bad-amount` (not > 0) or `oversize` (memo). */
export function buildTransfer(spec: TransferSpec): Tx {
  const to = decodeAddress(spec.params.hrp, spec.to);
  // [REJECT] amount > 0 (§4.2): no node would relay it.
  if (spec.amount <= 0n) throw new RuleError('bad-amount', { amount: spec.amount, reason: 'must be > 0' });
  const memo = spec.memo ?? new Uint8Array();
  if (memo.length > MAX_MEMO_BYTES) {
    throw new RuleError('oversize', { field: 'memo', length: memo.length, max: MAX_MEMO_BYTES });
  }
  const unsigned: Omit<Tx, 'signature'> = {
    version: 1,
    sender: getPublicKey(spec.seed),
    nonce: spec.nonce,
    fee: spec.fee ?? defaultTransferFee(memo.length, spec.minFeeRate),
    validUntil: spec.validUntil ?? 0n,
    payload: { type: 1, to, amount: spec.amount, memo },
  };
  return { ...unsigned, signature: sign(txSigningMessage(unsigned, spec.params), spec.seed) };
}
