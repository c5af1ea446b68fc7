// Type 12 Poison (PROTOCOL.md §3.9, §4.12): two different microblock headers of one
// epoch k, both signed by K_k's leader for K_k, that fork the epoch (same
// parent or same sequence number) prove the leader equivocated. The proof is
// valid while epoch k's rewards are still pending: k < c < k + REWARD_MATURITY.
// The shape of the proof needs no state and is REJECTed at gossip; whether it
// names an epoch of this chain, in time, signed by that epoch's leader, depends
// on the chain holding it and is IGNOREd (§10.2).
import { RuleError } from '../../protocol/errors.js';
import { decodeMicroblockHeader, type MicroblockHeader } from '../../protocol/microblock.js';
import type { NetworkParams } from '../../protocol/params.js';
import type { PayloadOf } from '../../protocol/tx.js';
import { equalBytes } from '../../util/bytes.js';
import { microblockSigningMessage } from '../microblock-rules.js';
import { hasCanonicalR, isValidSignature } from '../signature.js';
import type { StateView } from '../state-view.js';
import { noDebit, type TxTypeRules } from './type-rules.js';

export type PoisonPayload = PayloadOf<12>;

const IGNORE = { gossip: 'ignore' } as const;

/** [REJECT] The proof's shape (§3.9): two different headers that fork one epoch other than genesis. */
export function checkPoisonSanity(proof: PoisonPayload): { a: MicroblockHeader; b: MicroblockHeader } {
  if (equalBytes(proof.headerA, proof.headerB))
    throw new RuleError('bad-fraud-proof', { reason: 'the same header twice' });
  const a = decodeMicroblockHeader(proof.headerA);
  const b = decodeMicroblockHeader(proof.headerB);
  if (a.keyHeight !== b.keyHeight) throw new RuleError('bad-fraud-proof', { reason: 'different epochs' });
  // §1.3: epoch 0 has no leader and no microblocks.
  if (a.keyHeight === 0n) throw new RuleError('bad-fraud-proof', { reason: 'key_height 0' });
  if (!equalBytes(a.prev, b.prev) && a.seq !== b.seq) {
    throw new RuleError('bad-fraud-proof', {
      reason: 'neither the same parent nor the same sequence number',
    });
  }
  // §2.3: a non-canonical R fails whatever the key; that needs no state, so it is the sender's fault.
  if (!hasCanonicalR(proof.sigA) || !hasCanonicalR(proof.sigB)) {
    throw new RuleError('bad-fraud-proof', { reason: 'a signature with a non-canonical R' });
  }
  return { a, b };
}

/** The equivocating epoch's height k, once the proof checks out against the state. */
export function checkPoison(
  proof: PoisonPayload,
  view: StateView,
  context: { readonly keyHeight: bigint },
  params: NetworkParams,
): bigint {
  const { a, b } = checkPoisonSanity(proof);
  const k = a.keyHeight;
  const c = context.keyHeight;
  if (k >= c) throw new RuleError('poison-too-early', { k, c }, IGNORE);
  if (c >= k + BigInt(params.rewardMaturity)) throw new RuleError('poison-too-late', { k, c }, IGNORE);
  const epoch = view.epoch(k);
  if (epoch === undefined)
    throw new RuleError('bad-fraud-proof', { reason: 'no epoch at that height' }, IGNORE);
  if (epoch.poisoned) throw new RuleError('already-poisoned', { k }, IGNORE);
  // Signed for the key block at height k on the chain holding the proof.
  const signedBy = (signature: Uint8Array, header: MicroblockHeader): boolean =>
    isValidSignature({
      signature,
      message: microblockSigningMessage(epoch.keyBlockId, header, params),
      key: epoch.leaderKey,
    });
  if (!signedBy(proof.sigA, a) || !signedBy(proof.sigB, b)) {
    throw new RuleError(
      'bad-fraud-proof',
      { reason: 'a header not signed by the leader of that epoch' },
      IGNORE,
    );
  }
  return k;
}

export const poisonRules: TxTypeRules<12> = {
  sanity(p) {
    checkPoisonSanity(p);
  },
  context(tx, view, context, params) {
    checkPoison(tx.payload, view, context, params);
  },
  debit: noDebit,
};
