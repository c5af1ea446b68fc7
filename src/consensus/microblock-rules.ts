// Microblock validity (PROTOCOL.md §3.3). Failures of the `mutated` class —
// the size, the bindings of the body to the header (act_hash, tx_count,
// tx_root, distinct txids) and the leader signature — say only that these
// bytes are bad, not that the header's id is: anyone can alter what the
// header does not sign, so they must never mark the id invalid.
import { sha256d } from '../crypto/hash.js';
import { verify } from '../crypto/ed25519.js';
import { RuleError, type RuleCode } from '../protocol/errors.js';
import {
  MAX_MICROBLOCK_BYTES,
  MAX_MICROBLOCK_TXS,
  encodeActivation,
  encodeMicroblockHeader,
  merkleRoot,
  type Microblock,
  type MicroblockHeader,
} from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { txId } from '../protocol/tx.js';

const MUTATED_CLASS: ReadonlySet<RuleCode> = new Set([
  'microblock-too-large',
  'mutated',
  'bad-leader-signature',
]);

/** Whether a failure condemns only the bytes received, never the block id (§3.3). */
export function isMutatedClass(code: RuleCode): boolean {
  return MUTATED_CLASS.has(code);
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** [REJECT] Rules 1 and 6: size, transaction count, and the bindings of the body to the header. */
export function checkMicroblockSanity(block: Microblock, encodedLength: number): void {
  if (encodedLength > MAX_MICROBLOCK_BYTES) {
    throw new RuleError('microblock-too-large', { length: encodedLength, max: MAX_MICROBLOCK_BYTES });
  }
  const { header } = block;
  if (header.txCount > MAX_MICROBLOCK_TXS) throw new RuleError('too-many-txs', { txCount: header.txCount });
  if (!equal(header.actHash, sha256d(encodeActivation(block.activation)))) {
    throw new RuleError('mutated', { field: 'act_hash' });
  }
  if (header.txCount !== block.txs.length) {
    throw new RuleError('mutated', { field: 'tx_count', header: header.txCount, body: block.txs.length });
  }
  const ids = block.txs.map(txId);
  if (new Set(ids.map((id) => Buffer.from(id).toString('hex'))).size !== ids.length) {
    throw new RuleError('mutated', { field: 'duplicate txid' });
  }
  if (!equal(header.txRoot, merkleRoot(ids))) throw new RuleError('mutated', { field: 'tx_root' });
}

/** The leader signs "ALTO/<chainId>/micro" ‖ K_h.id ‖ header (§2.6, §3.3). */
export function microblockSigningMessage(
  keyBlockId: Uint8Array,
  header: MicroblockHeader,
  params: NetworkParams,
): Uint8Array {
  const domain = new TextEncoder().encode(`ALTO/${params.chainId}/micro`);
  const encoded = encodeMicroblockHeader(header);
  const message = new Uint8Array(domain.length + 32 + encoded.length);
  message.set(domain);
  message.set(keyBlockId, domain.length);
  message.set(encoded, domain.length + 32);
  return message;
}

export type MicroblockParent =
  | { readonly kind: 'key'; readonly height: bigint; readonly timeS: number }
  | { readonly kind: 'micro'; readonly keyHeight: bigint; readonly seq: number; readonly timeMs: bigint };

export interface MicroblockContext {
  readonly parent: MicroblockParent;
  /** K_h: the key block of the microblock's epoch. */
  readonly epochKeyBlockId: Uint8Array;
  readonly leaderKey: Uint8Array;
  /** A bootstrap-activated epoch carries no activation data. */
  readonly bootstrap: boolean;
  readonly minIntervalMs: number;
  readonly nowMs: bigint;
}

/** Rules 2–5: sequence, leader signature, timing and the activation section. */
export function checkMicroblockContext(
  block: Microblock,
  context: MicroblockContext,
  params: NetworkParams,
): void {
  const { header } = block;
  const { parent } = context;
  // [REJECT] Rule 2: seq 0 after the key block, then one more each; never in epoch 0.
  const [keyHeight, seq, parentTimeMs] =
    parent.kind === 'key'
      ? [parent.height, 0, BigInt(parent.timeS) * 1000n]
      : [parent.keyHeight, parent.seq + 1, parent.timeMs];
  if (keyHeight === 0n || header.keyHeight !== keyHeight || header.seq !== seq) {
    throw new RuleError('bad-sequence', { keyHeight: header.keyHeight, seq: header.seq });
  }
  // [REJECT] Rule 3, mutated-class.
  if (
    !verify(
      block.leaderSig,
      microblockSigningMessage(context.epochKeyBlockId, header, params),
      context.leaderKey,
    )
  ) {
    throw new RuleError('bad-leader-signature', {});
  }
  // Rule 4.
  if (header.timeMs <= parentTimeMs || header.timeMs < parentTimeMs + BigInt(context.minIntervalMs)) {
    throw new RuleError('microblock-too-soon', { timeMs: header.timeMs, parentTimeMs });
  }
  if (header.timeMs > context.nowMs + BigInt(params.microblockFutureLimitMs)) {
    throw new RuleError('time-too-new', { timeMs: header.timeMs }, { gossip: 'ignore', permanent: false });
  }
  // Rule 5 (§5.4): until Proof of Activity, every epoch is bootstrap and carries no activation data.
  if ((context.bootstrap || header.seq > 0) && block.activation.length > 0) {
    throw new RuleError('bad-activation', { entries: block.activation.length });
  }
}
