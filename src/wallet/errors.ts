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
  | 'reserved-label';

export class WalletError extends Error {
  override readonly name = 'WalletError';
  constructor(
    readonly code: WalletErrorCode,
    message: string,
  ) {
    super(message);
  }
}
