// Gossip topics of PROTOCOL.md §10.2: names, payload limits, and the
// gossipsub message id (the first 20 bytes of H(payload), §10.1).
import { sha256 } from '../crypto/hash.js';
import type { RuleCode } from '../protocol/errors.js';
import { KEY_BLOCK_LENGTH } from '../protocol/key-block.js';
import { MAX_MICROBLOCK_BYTES } from '../protocol/microblock.js';
import type { NetworkName } from '../protocol/params.js';
import { MAX_TX_BYTES } from '../protocol/tx.js';

/** An endorsement (§5.3): key_block_id [32] ‖ index u8 ‖ validator_key [32] ‖ sig [64]. */
export const ENDORSEMENT_LENGTH = 129;

export const TOPIC_KINDS = ['keyblock', 'microblock', 'tx', 'endorsement'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** The largest payload each topic carries (§10.2); anything bigger is refused before decoding. */
export const TOPIC_MAX_BYTES: Readonly<Record<TopicKind, number>> = {
  keyblock: KEY_BLOCK_LENGTH,
  microblock: MAX_MICROBLOCK_BYTES,
  tx: MAX_TX_BYTES,
  endorsement: ENDORSEMENT_LENGTH,
};

/** The code a payload over its topic's cap fails with: the size rule's own where the protocol names one. */
export const TOPIC_OVERSIZE_CODE: Readonly<Record<TopicKind, RuleCode>> = {
  keyblock: 'oversize',
  microblock: 'microblock-too-large', // §3.3 rule 1
  tx: 'tx-too-large', // §4.1
  endorsement: 'oversize',
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

/**
 * gossipsub asks a received message's id twice, fast (to drop a duplicate) and
 * full (after validation), with the same payload bytes: hash a megabyte once.
 */
export class MessageIds {
  private readonly known = new WeakMap<Uint8Array, Uint8Array>();

  of(payload: Uint8Array): Uint8Array {
    let id = this.known.get(payload);
    if (id === undefined) {
      id = messageId(payload);
      this.known.set(payload, id);
    }
    return id;
  }
}
