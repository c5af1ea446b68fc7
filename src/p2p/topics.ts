// Gossip topics of PROTOCOL.md §10.2: names, payload limits, and the
// gossipsub message id (the first 20 bytes of H(payload), §10.1).
import { sha256 } from '../crypto/hash.js';
import type { NetworkName } from '../protocol/params.js';

export const TOPIC_KINDS = ['keyblock', 'microblock', 'tx', 'endorsement'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** The largest payload each topic carries; anything bigger is refused before decoding. */
export const TOPIC_MAX_BYTES: Readonly<Record<TopicKind, number>> = {
  keyblock: 184,
  microblock: 1_000_000,
  tx: 200_000,
  endorsement: 129,
};

/** Gossip's max transmit size (§10.1): the largest RPC frame a peer may send us. */
export const MAX_TRANSMIT_BYTES = 1_048_576;

export function topicName(network: NetworkName, kind: TopicKind): string {
  return `/alto/${network}/${kind}/1`;
}

export function topicKind(network: NetworkName, topic: string): TopicKind | undefined {
  return TOPIC_KINDS.find((kind) => topicName(network, kind) === topic);
}

export function messageId(payload: Uint8Array): Uint8Array {
  return sha256(payload).subarray(0, 20);
}
