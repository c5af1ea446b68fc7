// Failures of the wallet that are neither bad usage (InvalidArgumentError)
// nor a node's answer (ApiError): the wallet file, and finding keys in it.

export type WalletErrorCode =
  | 'wallet-missing'
  | 'wallet-unreadable'
  | 'wallet-bad-json'
  | 'wallet-bad-format'
  | 'wallet-wrong-network'
  | 'wallet-bad-seed'
  | 'wallet-address-mismatch'
  | 'duplicate-key'
  | 'reserved-label'
  /** An encrypted key is needed and no passphrase or unlocked agent is at hand (exit 3). */
  | 'wallet-locked'
  /** The passphrase does not open the file, or the file was altered (exit 3). */
  | 'wallet-bad-passphrase'
  | 'wallet-already-encrypted'
  | 'wallet-not-encrypted'
  /** The unlocked agent could not be started, or answered nonsense. */
  | 'agent-failed';

export class WalletError extends Error {
  override readonly name = 'WalletError';
  constructor(
    readonly code: WalletErrorCode,
    message: string,
  ) {
    super(message);
  }
}
