// How a key block is activated (PROTOCOL.md §5.1, §5.4), as the chain's one
// consensus input for it: 0 endorsed, 1 bootstrap, 2 fallback (the §9.1 0x12
// values). The chain asks here, never decides itself, so Proof of Activity
// lands by filling this in.

export type Activation = 0 | 1 | 2;

export const ACTIVATION_ENDORSED = 0;
export const ACTIVATION_BOOTSTRAP = 1;
export const ACTIVATION_FALLBACK = 2;

/**
 * The activation of a valid key block. No stake can be bonded yet (the Stake
 * transaction has no effect), so the validators' total T is 0, below
 * BOOTSTRAP_MIN_VALIDATOR_STAKE, and every key block is bootstrap-activated
 * as soon as it is valid (§5.1).
 */
export function keyBlockActivation(): Activation {
  return ACTIVATION_BOOTSTRAP;
}

/** §3.4: a key block may build directly on K_{h−1} only if K_{h−1} was bootstrap- (or fallback-) activated. */
export function mayBuildOnKeyBlock(activation: Activation): boolean {
  return activation !== ACTIVATION_ENDORSED;
}

/** §5.4: the microblocks of a bootstrap (or fallback) epoch carry an empty activation section. */
export function isBootstrapEpoch(activation: Activation): boolean {
  return activation !== ACTIVATION_ENDORSED;
}
