// How a key block is activated (PROTOCOL.md §5.1, §5.4): 0 endorsed, 1
// bootstrap, 2 fallback (the §9.1 0x12 values), and what each allows. Which
// one a key block gets is consensus/activity.ts's activationMode.

export type Activation = 0 | 1 | 2;

export const ACTIVATION_ENDORSED = 0;
export const ACTIVATION_BOOTSTRAP = 1;
export const ACTIVATION_FALLBACK = 2;

/** §3.4: a key block may build directly on K_{h−1} only if K_{h−1} was bootstrap- (or fallback-) activated. */
export function mayBuildOnKeyBlock(activation: Activation): boolean {
  return activation !== ACTIVATION_ENDORSED;
}

/** §5.4: the microblocks of a bootstrap (or fallback) epoch carry an empty activation section. */
export function isBootstrapEpoch(activation: Activation): boolean {
  return activation !== ACTIVATION_ENDORSED;
}
