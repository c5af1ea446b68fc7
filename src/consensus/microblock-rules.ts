// Microblock validity (PROTOCOL.md §3.3), one function per rule, run by the
// chain in the order §3.3 numbers them. Failures of the `mutated` class — the
// size, the bindings of the body to the header (act_hash, tx_count, tx_root,
// distinct txids) and the leader signature — say only that these bytes are
// bad, not that the header's id is: anyone can alter what the header does not
// sign, so they must never mark the id invalid (invalidity.ts).
import { sha256d } from '../crypto/hash.js';
import { RuleError } from '../protocol/errors.js';
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
import { equalBytes, toHex } from '../util/bytes.js';
import { checkSignature } from './signature.js';
import { domainMessage } from '../protocol/signing-domain.js';

/** [REJECT] Rule 1: size, transaction count, and the bindings of act_hash and tx_count. */
export function checkMicroblockSize(block: Microblock, encodedLength: number): void {
  if (encodedLength > MAX_MICROBLOCK_BYTES) {
    throw new RuleError('microblock-too-large', { length: encodedLength, max: MAX_MICROBLOCK_BYTES });
  }
  const { header } = block;
  if (header.txCount > MAX_MICROBLOCK_TXS) throw new RuleError('too-many-txs', { txCount: header.txCount });
  if (!equalBytes(header.actHash, sha256d(encodeActivation(block.activation)))) {
    throw new RuleError('mutated', { field: 'act_hash' });
  }
  if (header.txCount !== block.txs.length) {
    throw new RuleError('mutated', { field: 'tx_count', header: header.txCount, body: block.txs.length });
  }
}

/** [REJECT] Rule 6: tx_root matches and the txids are distinct. */
export function checkMicroblockTxBinding(block: Microblock): void {
  const ids = block.txs.map(txId);
  if (new Set(ids.map(toHex)).size !== ids.length) {
    throw new RuleError('mutated', { field: 'duplicate txid' });
  }
  if (!equalBytes(block.header.txRoot, merkleRoot(ids))) throw new RuleError('mutated', { field: 'tx_root' });
}

/** The leader signs "ALTO/<chainId>/micro" ‖ K_h.id ‖ header (§2.6, §3.3). */
export function microblockSigningMessage(
  keyBlockId: Uint8Array,
  header: MicroblockHeader,
  params: NetworkParams,
): Uint8Array {
  return domainMessage(params.chainId, 'micro', keyBlockId, encodeMicroblockHeader(header));
}

export type MicroblockParent =
  | { readonly kind: 'key'; readonly height: bigint; readonly timeS: number }
  | { readonly kind: 'micro'; readonly keyHeight: bigint; readonly seq: number; readonly timeMs: bigint };

export interface MicroblockContext {
  readonly parent: MicroblockParent;
  /** K_h: the key block of the microblock's epoch. */
  readonly epochKeyBlockId: Uint8Array;
  readonly leaderKey: Uint8Array;
  /**
   * MIN_MICROBLOCK_INTERVAL in force for the epoch, after KeyConnect(K_h) (§3.3); asked only once
   * rules 2–3 passed, since finding it may mean rebuilding a side branch's state.
   */
  readonly minIntervalMs: () => number;
  readonly nowMs: bigint;
}

/** Rules 2–4: sequence, leader signature, timing. All a side-branch microblock is checked under (§10.2). */
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
  // [REJECT] Rule 3, mutated-class: the §2.3 checks (canonical R) and the equation.
  checkSignature(
    {
      signature: block.leaderSig,
      message: microblockSigningMessage(context.epochKeyBlockId, header, params),
      key: context.leaderKey,
    },
    'bad-leader-signature',
  );
  // [REJECT] Rule 4.
  const minIntervalMs = context.minIntervalMs();
  if (header.timeMs <= parentTimeMs || header.timeMs < parentTimeMs + BigInt(minIntervalMs)) {
    throw new RuleError('microblock-too-soon', { timeMs: header.timeMs, parentTimeMs, minIntervalMs });
  }
  // [IGNORE] Too far ahead is not invalid yet: retry later.
  if (header.timeMs > context.nowMs + BigInt(params.microblockFutureLimitMs)) {
    throw new RuleError('time-too-new', { timeMs: header.timeMs }, { gossip: 'ignore', permanent: false });
  }
}

/** [REJECT] Rule 5 (§5.4): a bootstrap epoch's microblocks, and every seq > 0, carry no activation data. */
export function checkMicroblockActivation(block: Microblock, bootstrap: boolean): void {
  if ((bootstrap || block.header.seq > 0) && block.activation.length > 0) {
    throw new RuleError('bad-activation', { entries: block.activation.length });
  }
}
