// Proof of Activity (PROTOCOL.md §5): endorsements verified per second — one
// at a time (checkEndorsement: §2.3 key and R checks, slot owner, ed25519)
// against node:crypto and @noble/curves on the same signatures; a 5-entry
// activation section batch-verified (checkActivationSection) against five
// single checks; and the §5.2 draw over 1,000 validators against the test's
// BigInt reference (node:crypto SHA-256, a linear scan).
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import { checkActivationSection, checkEndorsement, drawEndorsers } from '../src/consensus/activity.js';
import { getPublicKey, sign } from '../src/crypto/ed25519.js';
import { accountId } from '../src/protocol/address.js';
import { endorsementSigningMessage, type Endorsement } from '../src/protocol/endorsement.js';
import { REGTEST } from '../src/protocol/params.js';
import { measure, type MeasurementResult } from './harness.js';

const N = REGTEST.poa.slots;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const digest = (tag: string): Buffer => createHash('sha256').update(tag).digest();

/** N validators of equal stake, the draw of one key block, and each slot's endorsement. */
function fixture(): { keyBlockId: Uint8Array; owners: Uint8Array[]; endorsements: Endorsement[] } {
  const seeds = Array.from({ length: N }, (_, i) => digest(`bench validator ${i}`));
  const bySeed = new Map(seeds.map((s) => [hex(accountId(getPublicKey(s))), s]));
  const validators = [...bySeed.keys()].sort().map((a) => ({ account: Buffer.from(a, 'hex'), weight: 1n }));
  const keyBlockId = digest('bench key block');
  const owners = drawEndorsers(keyBlockId, validators, N);
  const endorsements = owners.map((owner, index) => {
    const seed = bySeed.get(hex(owner))!;
    return {
      keyBlockId,
      index,
      validatorKey: getPublicKey(seed),
      sig: sign(endorsementSigningMessage(keyBlockId, index, REGTEST), seed),
    };
  });
  return { keyBlockId, owners, endorsements };
}

function referenceDraw(
  keyBlockId: Uint8Array,
  validators: readonly { weight: bigint }[],
  total: bigint,
): number[] {
  const owners: number[] = [];
  for (let i = 0; i < N; i++) {
    const u32 = Buffer.alloc(4);
    u32.writeUInt32LE(i);
    const h2 = createHash('sha256')
      .update(createHash('sha256').update(keyBlockId).update(u32).digest())
      .digest();
    const x = BigInt(`0x${h2.reverse().toString('hex')}`) % total;
    let start = 0n;
    owners.push(
      validators.findIndex((v) => {
        const inside = x >= start && x < start + v.weight;
        start += v.weight;
        return inside;
      }),
    );
  }
  return owners;
}

export function run(): Promise<MeasurementResult[]> {
  const { keyBlockId, owners, endorsements } = fixture();
  const first = endorsements[0]!;
  const message = endorsementSigningMessage(keyBlockId, first.index, REGTEST);
  const nodeKey = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), first.validatorKey]),
    format: 'der',
    type: 'spki',
  });
  const single = measure({
    title: 'endorsement verification, one at a time',
    unit: 'endorsements',
    candidates: [
      {
        name: 'altostream checkEndorsement (§2.3 checks + slot + ZIP-215)',
        ours: true,
        fn: () => checkEndorsement(first, keyBlockId, owners, REGTEST),
      },
      {
        name: 'node:crypto verify (KeyObject), signature only',
        fn: () => nodeVerify(null, message, nodeKey, first.sig),
      },
      {
        name: '@noble/curves verify (zip215), signature only',
        fn: () => noble.verify(first.sig, message, first.validatorKey, { zip215: true }),
      },
    ],
  });
  const entries = endorsements.map((e) => ({ index: e.index, validatorKey: e.validatorKey, sig: e.sig }));
  const input = { mode: 'endorsed', seq: 0, keyBlockId, slotOwners: owners } as const;
  const section = measure({
    title: `activation section of ${N} endorsements: one batch vs ${N} single checks`,
    unit: 'endorsements',
    candidates: [
      {
        name: `altostream checkActivationSection (batch of ${N})`,
        ours: true,
        opsPerCall: N,
        fn: () => checkActivationSection(entries, input, REGTEST),
      },
      {
        name: `altostream checkEndorsement × ${N}`,
        opsPerCall: N,
        fn: () => endorsements.map((e) => checkEndorsement(e, keyBlockId, owners, REGTEST)),
      },
    ],
  });
  const validators = Array.from({ length: 1000 }, (_, i) => ({
    account: digest(`draw ${i}`).subarray(0, 20),
    weight: 10n ** 18n * BigInt(1 + (i % 97)),
  })).sort((a, b) => Buffer.compare(a.account, b.account));
  const total = validators.reduce((sum, v) => sum + v.weight, 0n);
  let draw = 0;
  const draws = measure({
    title: `§5.2 draw of ${N} slots over 1,000 validators`,
    unit: 'draws',
    candidates: [
      {
        name: 'altostream drawEndorsers',
        ours: true,
        fn: () => drawEndorsers(digest(`k${draw++}`), validators, N),
      },
      {
        name: 'BigInt reference, linear scan',
        fn: () => referenceDraw(digest(`k${draw++}`), validators, total),
      },
    ],
  });
  return Promise.resolve([single, section, draws]);
}
