// Poison (PROTOCOL.md §3.9, §4.12): two different microblock headers of one
// epoch k, both signed by K_k's leader for K_k, that fork the epoch (same
// parent or same sequence number) prove the leader equivocated. The proof is
// valid while epoch k's rewards are still pending: k < c < k + REWARD_MATURITY.
import { verify } from '../crypto/ed25519.js';
import { RuleError } from '../protocol/errors.js';
import { decodeMicroblockHeader } from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import type { TxPayload } from '../protocol/tx.js';
import { microblockSigningMessage } from './microblock-rules.js';
import type { StateView } from './state-view.js';

export type PoisonPayload = Extract<TxPayload, { type: 12 }>;

const equal = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
const IGNORE = { gossip: 'ignore' } as const;

/** The equivocating epoch's height k, once the proof checks out against the state. */
export function checkPoison(
  proof: PoisonPayload,
  view: StateView,
  context: { readonly keyHeight: bigint },
  params: NetworkParams,
): bigint {
  if (equal(proof.headerA, proof.headerB))
    throw new RuleError('bad-fraud-proof', { reason: 'the same header twice' });
  const a = decodeMicroblockHeader(proof.headerA);
  const b = decodeMicroblockHeader(proof.headerB);
  if (a.keyHeight !== b.keyHeight) throw new RuleError('bad-fraud-proof', { reason: 'different epochs' });
  if (!equal(a.prev, b.prev) && a.seq !== b.seq) {
    throw new RuleError('bad-fraud-proof', {
      reason: 'neither the same parent nor the same sequence number',
    });
  }
  const k = a.keyHeight;
  const c = context.keyHeight;
  if (k >= c) throw new RuleError('poison-too-early', { k, c }, IGNORE);
  if (c >= k + BigInt(params.rewardMaturity)) throw new RuleError('poison-too-late', { k, c }, IGNORE);
  const epoch = view.epoch(k);
  if (epoch === undefined)
    throw new RuleError('bad-fraud-proof', { reason: 'no epoch at that height' }, IGNORE);
  if (epoch.poisoned) throw new RuleError('already-poisoned', { k }, IGNORE);
  // Signed for the key block at height k on the chain holding the proof.
  const signedA = verify(proof.sigA, microblockSigningMessage(epoch.keyBlockId, a, params), epoch.leaderKey);
  const signedB = verify(proof.sigB, microblockSigningMessage(epoch.keyBlockId, b, params), epoch.leaderKey);
  if (!signedA || !signedB) {
    throw new RuleError(
      'bad-fraud-proof',
      { reason: 'a header not signed by the leader of that epoch' },
      IGNORE,
    );
  }
  return k;
}
