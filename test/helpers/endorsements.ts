// Endorsement fixtures (PROTOCOL.md §5.2–§5.3): validators whose seeds the test
// knows, a key block id, its draw, and endorsements signed by slot owners.
import { createHash } from 'node:crypto';
import { drawEndorsers } from '../../src/consensus/activity.js';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { accountId } from '../../src/protocol/address.js';
import { endorsementSigningMessage, type Endorsement } from '../../src/protocol/endorsement.js';
import type { ActivationEntry } from '../../src/protocol/microblock.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Five validators of equal stake, their seeds known, and a key block id. */
export function drawFixture(seedTag = 'fixture'): {
  keyBlockId: Uint8Array;
  owners: Uint8Array[];
  seedOf: (account: Uint8Array) => Uint8Array;
  seedNotOwning: (index: number) => Uint8Array;
} {
  const seeds = Array.from({ length: 5 }, (_, i) => createHash('sha256').update(`${seedTag} ${i}`).digest());
  const bySeed = new Map(seeds.map((s) => [hex(accountId(getPublicKey(s))), s]));
  const validators = [...bySeed.keys()].sort().map((a) => ({ account: Buffer.from(a, 'hex'), weight: 100n }));
  const keyBlockId = createHash('sha256').update(`${seedTag} key block`).digest();
  const owners = drawEndorsers(keyBlockId, validators, REGTEST.poa.slots);
  return {
    keyBlockId,
    owners,
    seedOf: (account) => bySeed.get(hex(account))!,
    seedNotOwning: (index) => seeds.find((s) => hex(accountId(getPublicKey(s))) !== hex(owners[index]!))!,
  };
}

/** An endorsement of slot `index` of `keyBlockId` signed by `seed`. */
export function endorse(
  keyBlockId: Uint8Array,
  index: number,
  seed: Uint8Array,
  params: Pick<NetworkParams, 'chainId'> = REGTEST,
): Endorsement {
  return {
    keyBlockId,
    index,
    validatorKey: getPublicKey(seed),
    sig: sign(endorsementSigningMessage(keyBlockId, index, params), seed),
  };
}

/** The activation-section entry of an endorsement. */
export function entryOf(e: Endorsement): ActivationEntry {
  return { index: e.index, validatorKey: e.validatorKey, sig: e.sig };
}
