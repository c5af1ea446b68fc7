// Play attestations (PROTOCOL.md §4.9): 168 bytes a listener signs for one play,
// `song_id ‖ listener_key ‖ start_s ‖ seconds ‖ app ‖ serial ‖ sig`, the
// signature over "ALTO/<chainId>/play" ‖ the first 104 bytes. An app collects
// them and carries up to 1,000 in one PlayReport (signPlayReport).
import { getPublicKey, sign, verify } from '../crypto/ed25519.js';
import type { NetworkParams } from '../protocol/params.js';
import {
  ATTESTATION_SIGNED_LENGTH,
  attestationSigningMessage,
  decodeAttestation,
  encodeAttestation,
  type Attestation,
} from '../protocol/tx.js';
import { accountOf, bytesOf, type AccountLike, type BytesLike } from './values.js';

export interface PlaySpec {
  readonly songId: BytesLike;
  /** Unix seconds the play started. */
  readonly startS: bigint;
  readonly seconds: number;
  /** The app that carries the play: its account or address. */
  readonly app: AccountLike;
  /** The listener's own counter: (listener, serial) is used once (§4.9, `duplicate-play`). */
  readonly serial: bigint;
}

/** An attestation of `play` signed by the listener's 32-byte seed. */
export function signAttestation(
  listenerSeed: Uint8Array,
  play: PlaySpec,
  params: NetworkParams,
): Attestation {
  const unsigned = {
    songId: bytesOf('songId', play.songId, 32),
    listenerKey: getPublicKey(listenerSeed),
    startS: play.startS,
    seconds: play.seconds,
    app: accountOf('app', play.app, params),
    serial: play.serial,
  };
  return { ...unsigned, sig: sign(attestationSigningMessage(unsigned, params), listenerSeed) };
}

/** Whether `a`'s sig is its listener's over §4.9's message (one signature; a node batches). */
export function verifyAttestation(a: Attestation, params: NetworkParams): boolean {
  return verify(a.sig, attestationSigningMessage(a, params), a.listenerKey);
}

export { ATTESTATION_SIGNED_LENGTH, attestationSigningMessage, decodeAttestation, encodeAttestation };
