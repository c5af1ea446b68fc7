import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/hash.js';
import { accountId } from '../../src/protocol/address.js';
import { FAUCET_SEED_TEXT, REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import { txSigningMessage, type Tx, type TxPayload } from '../../src/protocol/tx.js';

/** The regtest faucet's secret seed (§1.3): SHA-256("ALTO regtest faucet"). */
export const FAUCET_SEED = sha256(new TextEncoder().encode(FAUCET_SEED_TEXT.regtest ?? ''));
export const FAUCET_ACCOUNT = accountId(getPublicKey(FAUCET_SEED));

export interface TxSpec {
  readonly seed?: Uint8Array;
  readonly nonce?: bigint;
  readonly fee?: bigint;
  readonly validUntil?: bigint;
  readonly payload: TxPayload;
}

export function signedTx(spec: TxSpec, params: NetworkParams = REGTEST): Tx {
  const seed = spec.seed ?? FAUCET_SEED;
  const unsigned = {
    version: 1 as const,
    sender: getPublicKey(seed),
    nonce: spec.nonce ?? 0n,
    fee: spec.fee ?? 1000n,
    validUntil: spec.validUntil ?? 0n,
    payload: spec.payload,
  };
  return { ...unsigned, signature: sign(txSigningMessage(unsigned, params), seed) };
}

export function transfer(to: Uint8Array, amount: bigint, spec: Omit<TxSpec, 'payload'> = {}): Tx {
  return signedTx({ ...spec, payload: { type: 1, to, amount, memo: new Uint8Array() } });
}
