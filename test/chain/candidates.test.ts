// Candidate key blocks (PROTOCOL.md §3.4, §5.4) in the chain, with activation
// rules the test controls: key blocks whose payout byte is 0xe0 need
// endorsements, and an activation section "passes" with ≥ 3 entries in
// increasing order (the real §5.3 checks are consensus/activity's, tested there).
//
//   g ── a ── a1 ── E (candidate) ── E0 (M_{h,0}: activates E) ── E1
//                    ╰── X: a key block on a candidate: bad-prev
import { test, type Test } from 'tap';
import { workOf, targetFromBits } from '../../src/consensus/difficulty.js';
import { decodePending, decodePendingKey, KIND_VALIDATOR_SLOT } from '../../src/state/entries.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { NEEDS_ENDORSEMENTS, PAYOUT_ACTIVATION, sectionOf } from '../helpers/payout-activation.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';

function open(t: Test): ChainHarness {
  return ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    undefined,
    { activation: PAYOUT_ACTIVATION },
  );
}

/** Key block `name` on `parent` that needs endorsements. */
function candidate(h: ChainHarness, name: string, parent: string): string {
  return h.key(name, parent, NEEDS_ENDORSEMENTS);
}

/** M_{h,0} of candidate `key` with an activation section of `indices`. */
function activation(h: ChainHarness, name: string, key: string, indices: number[]): string {
  const k = h.entry(key);
  return h.add(name, {
    kind: 'micro',
    block: buildMicroblock({
      keyBlockId: k.id,
      prev: k.id,
      keyHeight: k.keyHeight,
      seq: 0,
      timeMs: k.timeMs + 1000n,
      activation: sectionOf(...indices),
    }),
  });
}

test('a candidate has no state and no weight, and only its M_{h,0} builds on it', async (t) => {
  const h = open(t);
  h.key('a', 'g');
  h.micro('a1', 'a');
  const before = { tip: h.tipName(), work: h.chain.tip.chainWork, digest: h.digest() };
  t.equal(candidate(h, 'E', 'a1'), 'candidate');
  t.same({ tip: h.tipName(), work: h.chain.tip.chainWork, digest: h.digest() }, before, 'nothing moved');
  t.equal(h.entry('E').chainWork, h.entry('a1').chainWork, 'no weight of its own');

  const onCandidate = mineKeyBlock({
    prev: h.entry('E').id,
    height: 3n,
    time: h.entry('E').epochKey.block.header.time + 60,
  });
  t.throws(
    () => h.add('X', { kind: 'key', block: onCandidate }),
    { code: 'bad-prev' },
    'no key block on a candidate',
  );
  const seq1 = buildMicroblock({
    keyBlockId: h.entry('E').id,
    prev: h.entry('E').id,
    keyHeight: 2n,
    seq: 1,
    timeMs: h.entry('E').timeMs + 1000n,
  });
  t.throws(() => h.add('E1bad', { kind: 'micro', block: seq1 }), { code: 'bad-sequence' });
  t.equal(h.digest(), before.digest);
});

test("M_{h,0} connects the candidate with it in one transaction; its key block's work counts from then", async (t) => {
  const h = open(t);
  h.key('a', 'g');
  h.micro('a1', 'a');
  candidate(h, 'E', 'a1');
  const workBefore = h.chain.tip.chainWork;
  const poolBefore = h.chain.state().counters().validators;
  t.equal(activation(h, 'E0', 'E', [0, 2, 4]), 'connected');
  t.equal(h.tipName(), 'E0');
  const keyWork = workOf(targetFromBits(h.entry('E').epochKey.block.header.bits));
  t.equal(h.chain.tip.chainWork, workBefore + keyWork, 'the key block’s work, carried by its M_{h,0}');
  const record = h.chain.state().epoch(2n);
  t.equal(record?.activation, 0, 'the epoch record says endorsed');
  // floor(V/N) to each included endorser, as pending kind 4 credits.
  const slots: string[] = [];
  for (const { key, value } of h.chain.state().range(new Uint8Array([0x0f]), new Uint8Array([0x10]))) {
    const { account, kind } = decodePendingKey(key);
    if (kind === KIND_VALIDATOR_SLOT)
      slots.push(`${Buffer.from(account).toString('hex').slice(0, 2)}:${decodePending(value).amount}`);
  }
  const perSlot = (12_500_000_000_000_000_000n * 1500n) / 10_000n / 5n;
  t.same(slots.sort(), [`70:${perSlot}`, `72:${perSlot}`, `74:${perSlot}`]);
  t.equal(
    h.chain.state().counters().validators,
    poolBefore,
    'an endorsed block adds nothing to the validator pool',
  );
  t.equal(h.micro('E1', 'E0'), 'connected', 'the epoch goes on');
});

test('an activation section that fails leaves everything as it was, and condemns that microblock', async (t) => {
  const h = open(t);
  h.key('a', 'g');
  candidate(h, 'E', 'a');
  const before = { tip: h.tipName(), digest: h.digest() };
  t.throws(() => activation(h, 'E0', 'E', [0, 1]), { code: 'insufficient-endorsements' });
  t.throws(() => activation(h, 'E0b', 'E', [3, 1, 4]), { code: 'bad-activation' });
  t.same({ tip: h.tipName(), digest: h.digest() }, before);
  t.equal(activation(h, 'E0c', 'E', [1, 3, 4]), 'connected', 'a good section still activates it');
});

test('a reorg away from an activated epoch undoes its KeyConnect; a restart keeps candidates and weights', async (t) => {
  const dir = (await import('../helpers/temp-dir.js')).tempDir((fn) => {
    t.teardown(fn);
  });
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    dir,
    undefined,
    { activation: PAYOUT_ACTIVATION },
  );
  h.key('a', 'g');
  const atA = h.digest();
  candidate(h, 'E', 'a');
  activation(h, 'E0', 'E', [0, 1, 2]);
  candidate(h, 'F', 'E0');
  // A heavier bootstrap branch from a: two key blocks against one.
  h.micro('b1', 'a');
  h.key('B', 'b1');
  t.equal(h.tipName(), 'E0', 'equal work: the first seen stays');
  h.micro('B1', 'B');
  t.equal(h.key('C', 'B1'), 'reorged');
  t.equal(h.tipName(), 'C');

  const fresh = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    undefined,
    { activation: PAYOUT_ACTIVATION },
  );
  fresh.replay(h, ['a', 'b1', 'B', 'B1', 'C']);
  t.equal(h.digest(), fresh.digest(), 'the state of a chain that only saw the winning branch');
  t.not(h.digest(), atA);

  await h.storage.close();
  const reopened = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    dir,
    undefined,
    { activation: PAYOUT_ACTIVATION },
  );
  t.equal(reopened.chain.tip.hex, h.chain.tip.hex, 'the same tip after a restart');
  const e0 = reopened.chain.get(h.entry('E0').id)!;
  const e = reopened.chain.get(h.entry('E').id)!;
  t.equal(e.chainWork, h.entry('a').chainWork, 'a reloaded candidate has no weight');
  t.equal(e0.chainWork, h.entry('E0').chainWork, 'its M_{h,0} has the key block’s');
  t.ok(reopened.chain.get(h.entry('F').id), 'a waiting candidate is kept');
});
