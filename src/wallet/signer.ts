// The one signing seam of the wallet (decision 238): a Signer signs a message
// with the key of a label. Seeds in memory (a plaintext wallet, the public
// faucet key, a wallet opened with its passphrase) and the unlocked agent
// (agent.ts) are both Signers; every command builds its transaction through
// signTxWith, so the two paths give byte-identical transactions (ed25519 is
// deterministic, RFC 8032 §5.1.6).
import { sign, verify } from '../crypto/ed25519.js';
import type { NetworkParams } from '../protocol/params.js';
import { txSigningMessage, type Tx, type TxPayload } from '../protocol/tx.js';
import { WalletError } from './errors.js';
import type { Wallet, WalletKey } from './keystore.js';

/** What a wallet command signs: any transaction payload (§4.2–§4.11). */
export type SignablePayload = TxPayload;

export interface Signer {
  /** The ed25519 signature of `message` by the key labelled `label`. */
  sign(label: string, publicKey: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
}

/** Signs with the seeds `wallet` holds in memory (a locked key throws `wallet-locked`). */
export function seedSigner(wallet: Wallet): Signer {
  return {
    sign: (label, _publicKey, message) => {
      const key = wallet.keys.find((k) => k.label === label);
      if (key === undefined) {
        return Promise.reject(new WalletError('wallet-locked', `the wallet has no key '${label}'`));
      }
      return Promise.resolve(sign(message, key.seed));
    },
  };
}

export interface TxEnvelope {
  readonly nonce: bigint;
  readonly fee: bigint;
  readonly validUntil?: bigint;
  readonly params: NetworkParams;
}

/**
 * `payload` from `key` in an envelope, signed through `signer`: the same message
 * client/sign.ts signs (§2.6, §4.1). The signature is checked against the key's
 * public key before it leaves, so a signer holding another key fails here.
 */
export async function signTxWith(
  signer: Signer,
  key: WalletKey,
  payload: TxPayload,
  envelope: TxEnvelope,
): Promise<Tx> {
  const unsigned: Omit<Tx, 'signature'> = {
    version: 1,
    sender: key.publicKey,
    nonce: envelope.nonce,
    fee: envelope.fee,
    validUntil: envelope.validUntil ?? 0n,
    payload,
  };
  const message = txSigningMessage(unsigned, envelope.params);
  const signature = await signer.sign(key.label, key.publicKey, message);
  if (!verify(signature, message, key.publicKey)) {
    throw new WalletError(
      'agent-failed',
      `the signature made for '${key.label}' does not verify under its public key: run \`altostream wallet lock\` and try again`,
    );
  }
  return { ...unsigned, signature };
}
