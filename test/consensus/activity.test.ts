// Proof of Activity (PROTOCOL.md §5): the follow-the-satoshi draw against an
// independent BigInt reimplementation, the activation mode's thresholds, and
// each way a single endorsement can be invalid, with its code and verdict.
import { createHash } from 'node:crypto';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { test } from 'tap';
import {
  activationMode,
  activationOfMode,
  checkEndorsement,
  drawEndorsers,
  endorsementVerdict,
  type Validator,
} from '../../src/consensus/activity.js';
import { getPublicKey, verify } from '../../src/crypto/ed25519.js';
import {
  decodeEndorsement,
  encodeEndorsement,
  endorsementSigningMessage,
  type Endorsement,
} from '../../src/protocol/endorsement.js';
import { RuleError } from '../../src/protocol/errors.js';
import { MAINNET, REGTEST } from '../../src/protocol/params.js';
import { bytesOf } from '../helpers/arbitraries.js';
import { drawFixture, endorse } from '../helpers/endorsements.js';
import {
  IDENTITY_SIGNED_ZERO_X,
  IDENTITY_Y_P_PLUS_1,
  signWithIdentityR,
} from '../helpers/non-canonical-r.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const N = REGTEST.poa.slots;

/** The draw of §5.2 written from the text alone: node:crypto SHA-256 twice, BigInt, a linear scan. */
function referenceDraw(keyBlockId: Uint8Array, validators: readonly Validator[], slots: number): string[] {
  const total = validators.reduce((sum, v) => sum + v.weight, 0n);
  const owners: string[] = [];
  for (let i = 0; i < slots; i++) {
    const u32 = Buffer.alloc(4);
    u32.writeUInt32LE(i);
    const once = createHash('sha256').update(keyBlockId).update(u32).digest();
    const h2 = createHash('sha256').update(once).digest();
    const x = BigInt(`0x${Buffer.from(h2).reverse().toString('hex')}`) % total;
    let start = 0n;
    for (const v of validators) {
      if (x >= start && x < start + v.weight) owners.push(hex(v.account));
      start += v.weight;
    }
  }
  return owners;
}

const byAccount = (a: Validator, b: Validator): number => Buffer.compare(a.account, b.account);

const validatorSet: fc.Arbitrary<Validator[]> = fc
  .uniqueArray(
    fc.record({
      account: bytesOf(20),
      weight: fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: (1n << 128n) - 1n })),
    }),
    { minLength: 1, maxLength: 40, selector: (v) => hex(v.account) },
  )
  .map((vs) => vs.sort(byAccount));

test('§5.2 draw: the same owners as an independent BigInt reimplementation (500 random sets and ids)', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(bytesOf(32), validatorSet, (id, validators) => {
        const ours = drawEndorsers(id, validators, N).map(hex);
        const reference = referenceDraw(id, validators, N);
        return ours.length === N && ours.join() === reference.join();
      }),
      { numRuns: 500 },
    );
  });
});

test('§5.2 draw: one validator may own several slots; a single validator owns all five', async (t) => {
  const single = [{ account: new Uint8Array(20).fill(7), weight: 1n }];
  t.same(
    drawEndorsers(new Uint8Array(32).fill(1), single, N).map(hex),
    new Array(N).fill(hex(single[0]!.account)),
  );
  const two: Validator[] = [
    { account: new Uint8Array(20).fill(1), weight: 10n },
    { account: new Uint8Array(20).fill(2), weight: 10n },
  ];
  // Five slots, two validators: one of them always owns at least three (pigeonhole).
  let found = 0;
  for (let i = 0; i < 20; i++) {
    const id = createHash('sha256').update(`several ${i}`).digest();
    const owners = drawEndorsers(id, two, N).map(hex);
    t.same(owners, referenceDraw(id, two, N), `key block ${i}`);
    const counts = [hex(two[0]!.account), hex(two[1]!.account)].map(
      (a) => owners.filter((o) => o === a).length,
    );
    if (Math.max(...counts) >= 2) found++;
  }
  t.equal(found, 20, 'with two validators and five slots someone always owns several');
  t.equal(drawEndorsers(new Uint8Array(32), two).length, MAINNET.poa.slots, 'N slots by default');
});

test('§5.2 draw: each validator is drawn in proportion to its stake (10,000 draws, within 3σ)', async (t) => {
  const weights = [1n, 2n, 3n, 4n, 10n, 30n].map((w) => w * 10n ** 18n);
  const validators = weights
    .map((weight, i) => ({ account: createHash('sha256').update(`v${i}`).digest().subarray(0, 20), weight }))
    .sort(byAccount);
  const total = weights.reduce((a, b) => a + b, 0n);
  const draws = 10_000;
  const counts = new Map<string, number>();
  for (let d = 0; d < draws; d++) {
    const id = createHash('sha256').update(`draw ${d}`).digest();
    for (const owner of drawEndorsers(id, validators, N))
      counts.set(hex(owner), (counts.get(hex(owner)) ?? 0) + 1);
  }
  const trials = draws * N;
  for (const v of validators) {
    const p = Number(v.weight) / Number(total);
    const expected = trials * p;
    const sigma = Math.sqrt(trials * p * (1 - p));
    const seen = counts.get(hex(v.account)) ?? 0;
    t.ok(
      Math.abs(seen - expected) <= 3 * sigma,
      `share ${p.toFixed(4)}: ${seen} of ${trials} slots, expected ${expected.toFixed(0)} ± ${(3 * sigma).toFixed(0)}`,
    );
  }
});

test('§5.2 draw refuses what consensus never hands it: T = 0, zero weight, unsorted or repeated accounts', async (t) => {
  const a = { account: new Uint8Array(20).fill(1), weight: 5n };
  const b = { account: new Uint8Array(20).fill(2), weight: 5n };
  const id = new Uint8Array(32);
  t.throws(() => drawEndorsers(id, [], N), { code: 'no-stake' });
  t.throws(() => drawEndorsers(id, [{ ...a, weight: 0n }], N), { code: 'bad-weight' });
  t.throws(() => drawEndorsers(id, [b, a], N), { code: 'unsorted-validators' });
  t.throws(() => drawEndorsers(id, [a, a], N), { code: 'unsorted-validators' });
});

test('activation mode: bootstrap below BOOTSTRAP_MIN_VALIDATOR_STAKE, fallback from ACTIVATION_FALLBACK on', async (t) => {
  const threshold = MAINNET.poa.bootstrapMinValidatorStake;
  const parent = 1_700_000_000;
  const fallbackAt = parent + MAINNET.poa.fallbackS;
  const mode = (totalStake: bigint, keyTime: number): string =>
    activationMode({ totalStake, keyTime, parentEpochKeyTime: parent }, MAINNET);
  t.equal(mode(threshold - 1n, parent + 60), 'bootstrap', 'T one base unit below the threshold');
  t.equal(mode(threshold, parent + 60), 'endorsed', 'T at the threshold');
  t.equal(mode(threshold + 1n, parent + 60), 'endorsed', 'T one base unit above');
  t.equal(mode(threshold, fallbackAt - 1), 'endorsed', 'one second before the fallback');
  t.equal(mode(threshold, fallbackAt), 'fallback', 'exactly ACTIVATION_FALLBACK later');
  t.equal(mode(threshold, fallbackAt + 1), 'fallback', 'one second after');
  t.equal(mode(threshold - 1n, fallbackAt), 'bootstrap', 'both hold: bootstrap wins, so no idle unbonding');
  t.equal(mode(0n, fallbackAt), 'bootstrap');
  t.equal(
    activationMode({ totalStake: 1n << 127n, keyTime: parent, parentEpochKeyTime: parent }, REGTEST),
    'bootstrap',
    'regtest: always bootstrap unless started with another threshold',
  );
  t.same(
    (['endorsed', 'bootstrap', 'fallback'] as const).map(activationOfMode),
    [0, 1, 2],
    'the §9.1 index values',
  );
});

/** decode → checkEndorsement, as gossip runs them: the code and the error's own verdict, or 'valid'. */
function judge(bytes: Uint8Array, keyBlockId: Uint8Array, owners: readonly Uint8Array[]): string {
  try {
    checkEndorsement(decodeEndorsement(bytes), keyBlockId, owners, REGTEST);
    return 'valid';
  } catch (error) {
    if (error instanceof RuleError) return `${error.code} ${error.gossip}`;
    throw error;
  }
}

test('§5.3: a valid endorsement names its slot and owner, and verifies under @noble/curves too', async (t) => {
  const { keyBlockId, owners, seedOf } = drawFixture();
  for (let index = 0; index < N; index++) {
    const e = endorse(keyBlockId, index, seedOf(owners[index]!));
    const slot = checkEndorsement(e, keyBlockId, owners, REGTEST);
    t.equal(slot.index, index);
    t.equal(hex(slot.account), hex(owners[index]!));
    t.ok(noble.verify(e.sig, endorsementSigningMessage(keyBlockId, index, REGTEST), e.validatorKey), 'noble');
    t.equal(judge(encodeEndorsement(e), keyBlockId, owners), 'valid');
  }
});

test('§5.3 and §10.2: every invalid endorsement gets its code and verdict', async (t) => {
  const { keyBlockId, owners, seedOf, seedNotOwning } = drawFixture();
  const seed = seedOf(owners[1]!);
  const good = endorse(keyBlockId, 1, seed);
  const bytes = encodeEndorsement(good);
  const judgeOf = (e: Endorsement): string => judge(encodeEndorsement(e), keyBlockId, owners);

  t.equal(judge(bytes.subarray(0, 128), keyBlockId, owners), 'bad-encoding reject', 'malformed: 128 bytes');
  t.equal(
    judge(Uint8Array.from([...bytes, 0]), keyBlockId, owners),
    'oversize reject',
    'oversize: 130 bytes',
  );
  t.equal(judgeOf({ ...good, index: N }), 'bad-endorsement-index reject', 'index = N');
  t.equal(judgeOf({ ...good, index: 255 }), 'bad-endorsement-index reject', 'index 255');
  const stranger = seedNotOwning(1);
  t.equal(
    judgeOf(endorse(keyBlockId, 1, stranger)),
    'wrong-slot ignore',
    'signed by a validator not drawn for slot 1',
  );
  const flipped = { ...good, sig: good.sig.map((b, i) => (i === 40 ? b ^ 1 : b)) };
  t.equal(judgeOf(flipped), 'bad-endorsement-signature reject', 'a flipped bit in S');
  t.equal(
    judgeOf({ ...good, index: 2, validatorKey: getPublicKey(seedOf(owners[2]!)) }),
    'bad-endorsement-signature reject',
    'slot 2 by its owner’s key with the signature for slot 1',
  );
  t.equal(
    judgeOf(endorse(keyBlockId, 1, seed, MAINNET)),
    'bad-endorsement-signature reject',
    'signed for another chain id',
  );
  const otherKeyBlock = createHash('sha256').update('another key block').digest();
  t.equal(
    judgeOf({ ...endorse(otherKeyBlock, 1, seed), keyBlockId }),
    'bad-endorsement-signature reject',
    'a signature over another key block id',
  );
  const nonCanonicalKey = Uint8Array.from([...new Array<number>(31).fill(0xff), 0x7f]);
  t.equal(
    judgeOf({ ...good, validatorKey: nonCanonicalKey }),
    'bad-endorsement-signature reject',
    'key y ≥ p',
  );
  const identity = Uint8Array.from([1, ...new Array<number>(31).fill(0)]);
  t.equal(
    judgeOf({ ...good, validatorKey: identity }),
    'bad-endorsement-signature reject',
    'small-order key',
  );
  for (const [name, r] of [
    ['y = p + 1', IDENTITY_Y_P_PLUS_1],
    ['x = 0 with the sign bit', IDENTITY_SIGNED_ZERO_X],
  ] as const) {
    const message = endorsementSigningMessage(keyBlockId, 1, REGTEST);
    const sig = signWithIdentityR(message, seed, r);
    t.ok(verify(sig, message, good.validatorKey), `ZIP-215 alone accepts R ${name}`);
    t.equal(judgeOf({ ...good, sig }), 'bad-endorsement-signature reject', `non-canonical R: ${name}`);
  }
});

test('§10.2: a failed endorsement is REJECT when its key block’s prev is on our best chain', async (t) => {
  const { keyBlockId, owners, seedNotOwning } = drawFixture();
  const wrongSlot = endorse(keyBlockId, 0, seedNotOwning(0));
  const error = (() => {
    try {
      checkEndorsement(wrongSlot, keyBlockId, owners, REGTEST);
    } catch (e) {
      return e as RuleError;
    }
    throw new Error('expected wrong-slot');
  })();
  t.equal(error.code, 'wrong-slot');
  t.equal(endorsementVerdict(error, true), 'reject', 'prev on the best chain: the snapshot is ours');
  t.equal(endorsementVerdict(error, false), 'ignore', 'otherwise the snapshot may differ');
  const stateless = new RuleError('bad-endorsement-signature', {}, { gossip: 'reject' });
  t.equal(endorsementVerdict(stateless, false), 'reject', 'a bad signature is nobody’s different view');
  t.throws(() => checkEndorsement(wrongSlot, new Uint8Array(32), owners, REGTEST), {
    code: 'wrong-key-block',
  });
});
