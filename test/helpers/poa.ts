// Proof of Activity in chain tests: regtest with BOOTSTRAP_MIN_VALIDATOR_STAKE
// = 1 base unit, where the faucet bonded as the only validator owns every slot
// of every draw, and its endorsements activate a candidate through M_{h,0}.
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { endorsementSigningMessage } from '../../src/protocol/endorsement.js';
import type { ActivationEntry } from '../../src/protocol/microblock.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import type { Test } from 'tap';
import type { Tx } from '../../src/protocol/tx.js';
import type { ChainHarness } from './chain-harness.js';
import { supplyCheckedHarness } from './supply.js';
import { buildMicroblock } from './blocks.js';
import { FAUCET_SEED } from './txs.js';

export const POA_PARAMS: NetworkParams = {
  ...REGTEST,
  poa: { ...REGTEST.poa, bootstrapMinValidatorStake: 1n },
};

/** The faucet's endorsements of key block `key` for `indices`. */
export function faucetEndorsements(
  h: ChainHarness,
  key: string,
  indices: readonly number[],
): ActivationEntry[] {
  const id = h.entry(key).id;
  return indices.map((index) => ({
    index,
    validatorKey: getPublicKey(FAUCET_SEED),
    sig: sign(endorsementSigningMessage(id, index, POA_PARAMS), FAUCET_SEED),
  }));
}

/** Adds `name`, the M_{h,0} of candidate `key` carrying the faucet's endorsements of `indices`. */
export function addActivation(
  h: ChainHarness,
  name: string,
  key: string,
  indices: readonly number[],
): string {
  const k = h.entry(key);
  return h.add(name, {
    kind: 'micro',
    block: buildMicroblock({
      keyBlockId: k.id,
      prev: k.id,
      keyHeight: k.keyHeight,
      seq: 0,
      timeMs: k.timeMs + 1000n,
      activation: faucetEndorsements(h, key, indices),
    }),
  });
}

/** A harness chain on POA_PARAMS that asserts §6.1 after every block. */
export function openPoaHarness(t: Test): ChainHarness {
  return supplyCheckedHarness(t, POA_PARAMS);
}

/**
 * Key block `${p}${i}` on `parent`, endorsed by the faucet in slots 0–2 through its M_{h,0}
 * `${p}${i}m`, then `txs` in `${p}${i}t` if any; returns the last block's name.
 */
export function endorsedEpoch(
  h: ChainHarness,
  p: string,
  i: number,
  parent: string,
  txs: readonly Tx[] = [],
): string {
  const name = `${p}${i}`;
  if (h.key(name, parent, p.charCodeAt(0)) !== 'candidate') throw new Error(`${name} is not a candidate`);
  addActivation(h, `${name}m`, name, [0, 1, 2]);
  if (txs.length === 0) return `${name}m`;
  h.micro(`${name}t`, `${name}m`, txs);
  return `${name}t`;
}
