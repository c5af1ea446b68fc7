// Activation rules a test controls (chain/activation-rules.ts), for chain and
// sync tests that need candidates without bonding stake: a key block whose
// payout starts with NEEDS_ENDORSEMENTS waits for endorsements, and a section
// "passes" with ≥ 3 entries in increasing order, crediting validatorOf(index).
// The real §5.3 checks are consensus/activity's, tested there.
import type { ActivationRules } from '../../src/chain/activation-rules.js';
import { ACTIVATION_BOOTSTRAP, ACTIVATION_ENDORSED } from '../../src/consensus/activation.js';
import { RuleError } from '../../src/protocol/errors.js';
import type { ActivationEntry } from '../../src/protocol/microblock.js';

export const NEEDS_ENDORSEMENTS = 0xe0;

export const validatorOf = (index: number): Uint8Array => new Uint8Array(20).fill(0x70 + index);

export const PAYOUT_ACTIVATION: ActivationRules = {
  activation: (block) =>
    block.body.payout[0] === NEEDS_ENDORSEMENTS ? ACTIVATION_ENDORSED : ACTIVATION_BOOTSTRAP,
  endorsers: (block) => {
    const { activation } = block;
    if (activation.length < 3)
      throw new RuleError('insufficient-endorsements', { entries: activation.length });
    activation.forEach((e, i) => {
      if (i > 0 && e.index <= activation[i - 1]!.index)
        throw new RuleError('bad-activation', { index: e.index });
    });
    return activation.map((e) => validatorOf(e.index));
  },
};

/** A stand-in section of `indices` (the rules above look only at the indices). */
export const sectionOf = (...indices: number[]): ActivationEntry[] =>
  indices.map((index) => ({
    index,
    validatorKey: new Uint8Array(32).fill(index + 1),
    sig: new Uint8Array(64),
  }));
