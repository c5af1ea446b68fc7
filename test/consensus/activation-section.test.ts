// The activation section of M_{h,0} (PROTOCOL.md §5.4): ≥ M valid endorsements
// of K by their slots' owners, indices strictly increasing, batch-verified;
// empty in bootstrap and fallback epochs and for every seq > 0.
import { createHash } from 'node:crypto';
import { test } from 'tap';
import { checkActivationSection, type ActivationSectionInput } from '../../src/consensus/activity.js';
import { RuleError } from '../../src/protocol/errors.js';
import type { ActivationEntry } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import { drawFixture, endorse, entryOf } from '../helpers/endorsements.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const N = REGTEST.poa.slots;
const M = REGTEST.poa.required;

function fixture(): {
  input: ActivationSectionInput;
  all: ActivationEntry[];
  owners: Uint8Array[];
  keyBlockId: Uint8Array;
  seedOf: (account: Uint8Array) => Uint8Array;
} {
  const { keyBlockId, owners, seedOf } = drawFixture('section');
  const all = owners.map((owner, index) => entryOf(endorse(keyBlockId, index, seedOf(owner))));
  return {
    input: { mode: 'endorsed', seq: 0, keyBlockId, slotOwners: owners },
    all,
    owners,
    keyBlockId,
    seedOf,
  };
}

function failure(entries: readonly ActivationEntry[], input: ActivationSectionInput): RuleError {
  try {
    checkActivationSection(entries, input, REGTEST);
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error('the section passed');
}

test('§5.4: five or M valid entries pass and name each included slot’s validator', async (t) => {
  const { input, all, owners } = fixture();
  const five = checkActivationSection(all, input, REGTEST);
  t.same(
    five.map((s) => [s.index, hex(s.account)]),
    owners.map((o, i) => [i, hex(o)]),
  );
  const three = [all[0]!, all[2]!, all[4]!];
  t.equal(three.length, M);
  t.same(
    checkActivationSection(three, input, REGTEST).map((s) => [s.index, hex(s.account)]),
    [0, 2, 4].map((i) => [i, hex(owners[i]!)]),
    'the chain pays these floor(V/N) each and sets their last_endorsed (§5.5)',
  );
});

test('insufficient-endorsements: M − 1 entries, and none', async (t) => {
  const { input, all } = fixture();
  const few = failure(all.slice(0, M - 1), input);
  t.equal(few.code, 'insufficient-endorsements');
  t.equal(few.gossip, 'reject');
  t.equal(failure([], input).code, 'insufficient-endorsements');
});

test('bad-activation: a repeated or decreasing index, or one ≥ N', async (t) => {
  const { input, all } = fixture();
  t.equal(failure([all[0]!, all[1]!, all[1]!, all[3]!], input).code, 'bad-activation', 'repeated');
  t.equal(failure([all[0]!, all[2]!, all[1]!, all[3]!], input).code, 'bad-activation', 'decreasing');
  t.equal(failure([all[0]!, all[1]!, { ...all[4]!, index: N }], input).code, 'bad-activation', 'index N');
});

test('bad-activation: one bad signature among five is found by the batch and named', async (t) => {
  const { input, all } = fixture();
  for (let bad = 0; bad < N; bad++) {
    const entries = all.map((e, i) =>
      i === bad ? { ...e, sig: e.sig.map((b, k) => (k === 50 ? b ^ 1 : b)) } : e,
    );
    const error = failure(entries, input);
    t.equal(error.code, 'bad-activation');
    t.match(error.details, { entry: bad, index: bad, reason: 'bad-endorsement-signature' }, `entry ${bad}`);
  }
});

test('bad-activation: an endorsement of another key block, or by a validator not owning its slot', async (t) => {
  const { input, all, owners, seedOf } = fixture();
  const other = createHash('sha256').update('another key block').digest();
  const forOther = entryOf(endorse(other, 3, seedOf(owners[3]!)));
  t.match(failure([all[0]!, all[1]!, forOther], input).details, {
    reason: 'bad-endorsement-signature',
    index: 3,
  });
  const notOwner = owners.findIndex((o) => hex(o) !== hex(owners[3]!));
  const byStranger = entryOf(endorse(input.keyBlockId, 3, seedOf(owners[notOwner]!)));
  t.match(failure([all[0]!, all[1]!, byStranger], input).details, { reason: 'wrong-slot', index: 3 });
});

test('bad-activation: a section in a bootstrap or fallback epoch, or in a microblock with seq > 0', async (t) => {
  const { input, all } = fixture();
  for (const mode of ['bootstrap', 'fallback'] as const) {
    t.equal(failure(all, { ...input, mode, slotOwners: undefined }).code, 'bad-activation', mode);
    t.same(checkActivationSection([], { ...input, mode }, REGTEST), [], `${mode}: an empty section passes`);
  }
  t.equal(failure(all, { ...input, seq: 1 }).code, 'bad-activation', 'seq 1 of an endorsed epoch');
  t.same(checkActivationSection([], { ...input, seq: 1 }, REGTEST), [], 'seq 1: empty passes');
});
