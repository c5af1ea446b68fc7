// Signed transfers (PROTOCOL.md §4.1, §4.2), built and signed by the client
// library (client/sign.ts) over the same §2.6 message that consensus verifies.
import { LIMITS, relayFee, signTransfer, transferPayload, txSize } from '../client/sign.js';
import type { NetworkParams } from '../protocol/params.js';
import type { Tx } from '../protocol/tx.js';
import { MIN_RELAY_FEE_RATE } from '../protocol/policy.js';

/** memo is a bytes(256) (§4.2). */
export const MAX_MEMO_BYTES = LIMITS.memoBytes;

const ZERO_ACCOUNT = new Uint8Array(20);

/**
 * The encoded size of a transfer with a memo of `memoLength` bytes. Every other
 * field has a fixed width (the fee is a u128, the signature 64 bytes), so the
 * size, and with it the fee, is known before signing.
 */
export function transferLength(memoLength: number): number {
  return txSize({ type: 1, to: ZERO_ACCOUNT, amount: 0n, memo: new Uint8Array(memoLength) });
}

/** The fee a node relays: its minimum rate (never below §4.14's) times the encoded size. */
export function defaultTransferFee(memoLength: number, minFeeRate = MIN_RELAY_FEE_RATE): bigint {
  return relayFee({ type: 1, to: ZERO_ACCOUNT, amount: 0n, memo: new Uint8Array(memoLength) }, minFeeRate);
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
  const fields = { to: spec.to, amount: spec.amount, memo: spec.memo };
  const fee = spec.fee ?? relayFee(transferPayload(fields, spec.params), spec.minFeeRate);
  return signTransfer(spec.seed, fields, {
    nonce: spec.nonce,
    fee,
    validUntil: spec.validUntil ?? 0n,
    params: spec.params,
  });
}

/** The payload of a transfer, checked as buildTransfer checks it, for signing through a Signer (signer.ts). */
export function transferPayloadOf(
  spec: Pick<TransferSpec, 'to' | 'amount' | 'memo' | 'params'>,
): ReturnType<typeof transferPayload> {
  return transferPayload({ to: spec.to, amount: spec.amount, memo: spec.memo }, spec.params);
}
