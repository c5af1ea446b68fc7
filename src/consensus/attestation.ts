// Play attestations (PROTOCOL.md §4.9): the listener signs the first 104 bytes
// of each under the `play` domain (§2.6). A report's attestations are verified
// in one batch (§2.3: single and batch verification agree; a failed batch is
// bisected to the first bad item), through consensus/signature.ts like every
// consensus signature, the listener key's well-formedness included.
//
// The result is kept with the decoded payload: a pooled report is checked
// again at each tip change and by the leader's dry run, and must not pay for
// a thousand verifications each time. A block's copy of a report the mempool
// admitted is marked verified from the transaction signature cache (a txid
// hashes every attestation byte), so connecting it verifies nothing again.
import { accountId } from '../protocol/address.js';
import { attestationSigningMessage, type Attestation, type PayloadOf } from '../protocol/tx.js';
import type { NetworkParams } from '../protocol/params.js';
import { firstInvalidSignature, type SignatureCheck } from './signature.js';

export { attestationSigningMessage };

type PlayReport = PayloadOf<8>;

function attestationCheck(a: Attestation, params: NetworkParams): SignatureCheck {
  return { signature: a.sig, message: attestationSigningMessage(a, params), key: a.listenerKey };
}

/** Per decoded report and network: the index of its first bad attestation signature, or −1. */
const verified = new WeakMap<PlayReport, { readonly chainId: string; readonly firstBad: number }>();

/**
 * The index of the report's first attestation whose signature fails §2.3 (a malformed listener
 * key or R, or the equation), or −1: one batch verification per report, remembered with it.
 */
export function firstBadAttestation(report: PlayReport, params: NetworkParams): number {
  const known = verified.get(report);
  if (known?.chainId === params.chainId) return known.firstBad;
  const firstBad = firstInvalidSignature(report.attestations.map((a) => attestationCheck(a, params)));
  verified.set(report, { chainId: params.chainId, firstBad });
  return firstBad;
}

/** Per decoded report: each attestation's listener account, in list order. */
const listeners = new WeakMap<PlayReport, readonly Uint8Array[]>();

/**
 * The listener account of each attestation (§4.9: the account of `listener_key`), hashed once per
 * decoded report: the fatal rules and the counted-play effects both need every one. The arrays are
 * shared: callers must not change them.
 */
export function attestationListeners(report: PlayReport): readonly Uint8Array[] {
  let accounts = listeners.get(report);
  if (accounts === undefined) {
    accounts = report.attestations.map((a) => accountId(a.listenerKey));
    listeners.set(report, accounts);
  }
  return accounts;
}

/** Notes that every attestation signature of `report` holds: its txid is in the signature cache. */
export function markAttestationsVerified(report: PlayReport, params: NetworkParams): void {
  verified.set(report, { chainId: params.chainId, firstBad: -1 });
}
