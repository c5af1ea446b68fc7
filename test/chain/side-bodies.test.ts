// Side-branch storage is bounded (issue 13, fix 1): a microblock on a branch
// with no more work than ours that arrives unasked keeps its body only within
// the side-branch budgets; a leader's second microblock for one seq is relayed
// once as Poison evidence and every later copy dropped; a branch that becomes
// heavier gets its bodies stored after all.
import { test, type Test } from 'tap';
import type { AddOptions, AnyBlock } from '../../src/chain/chain.js';
import { encodeMicroblock, encodeMicroblockHeader, microblockId } from '../../src/protocol/microblock.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { transfer } from '../helpers/txs.js';

const UNASKED: AddOptions = { unsolicited: true };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A microblock of epoch `key` after `prev`, `count` transfers with nonces from `salt`: distinct bodies. */
function micro(h: ChainHarness, key: string, prev: string, seq: number, salt: number, count = 2): AnyBlock {
  const k = h.entry(key);
  const p = h.entry(prev);
  const txs = Array.from({ length: count }, (_, i) =>
    transfer(new Uint8Array(20).fill(9), 1n, { nonce: BigInt(salt * 100 + i) }),
  );
  const block = buildMicroblock({
    keyBlockId: k.id,
    prev: p.id,
    keyHeight: k.keyHeight,
    seq,
    timeMs: p.timeMs + 1000n,
    txs,
  });
  return { kind: 'micro', block };
}

const size = (block: AnyBlock): number => (block.kind === 'micro' ? encodeMicroblock(block.block).length : 0);

/** g → k1 (the tip) and x1, a sibling with equal work: x1's branch is a side branch. */
function forked(t: Test, perKeyBlock: number, total: number): ChainHarness {
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    undefined,
    { sideBodyLimits: { perKeyBlock, total } },
  );
  h.key('k1', 'g');
  t.equal(h.key('x1', 'g', 0x78), 'side');
  return h;
}

test('side-branch budget per key block: unasked microblocks past it are neither stored nor to be relayed', (t) => {
  const h = forked(t, 2 * typicalSize(t) + 10, 1_000_000);
  t.equal(h.add('m0', micro(h, 'x1', 'x1', 0, 0), UNASKED), 'side');
  t.equal(h.add('m1', micro(h, 'x1', 'm0', 1, 1), UNASKED), 'side');
  const m2 = micro(h, 'x1', 'm1', 2, 2);
  t.equal(h.add('m2', m2, UNASKED), 'unkept', 'the third is over the budget of x1');
  t.equal(h.chain.get(microblockId(blockHeader(m2))), undefined, 'not indexed');
  t.equal(h.storage.read.blocks.get(microblockId(blockHeader(m2))), undefined, 'no body stored');
  const m3 = buildMicroblock({
    keyBlockId: h.entry('x1').id,
    prev: microblockId(blockHeader(m2)),
    keyHeight: 1n,
    seq: 3,
    timeMs: blockHeader(m2).timeMs + 1000n,
  });
  t.equal(h.add('m3', { kind: 'micro', block: m3 }, UNASKED), 'orphan', 'so a child of it has no parent');
  t.equal(h.tipName(), 'k1');
  t.end();
});

test('what we asked for (our own, or a range sync of a heavier chain) is stored whatever the budget', (t) => {
  const h = forked(t, 1, 1);
  t.equal(h.add('m0', micro(h, 'x1', 'x1', 0, 0)), 'side');
  t.ok(h.storage.read.blocks.get(h.entry('m0').id), 'stored');
  t.end();
});

test('side-branch budget in total: over every side key block within UNDO_DEPTH of the tip', (t) => {
  const one = typicalSize(t);
  const h = forked(t, 10 * one, 3 * one + 10);
  t.equal(h.key('y1', 'g', 0x79), 'side');
  t.equal(h.add('a0', micro(h, 'x1', 'x1', 0, 1), UNASKED), 'side');
  t.equal(h.add('a1', micro(h, 'x1', 'a0', 1, 2), UNASKED), 'side');
  t.equal(h.add('b0', micro(h, 'y1', 'y1', 0, 3), UNASKED), 'side');
  t.equal(
    h.add('b1', micro(h, 'y1', 'b0', 1, 4), UNASKED),
    'unkept',
    'the fourth body, on another key block, is over the total',
  );
  t.end();
});

test('equivocation (§3.9): the second microblock for one (key block, seq) is relayed once, not stored; later copies are duplicates', (t) => {
  const h = forked(t, 1_000_000, 1_000_000);
  const a = micro(h, 'x1', 'x1', 0, 1);
  const b = micro(h, 'x1', 'x1', 0, 2);
  const c = micro(h, 'x1', 'x1', 0, 3);
  t.equal(h.add('a', a, UNASKED), 'side');
  t.equal(h.add('b', b, UNASKED), 'side', 'relayed: it is Poison evidence');
  t.equal(h.storage.read.blocks.get(microblockId(blockHeader(b))), undefined, 'but not stored');
  t.equal(h.add('c', c, UNASKED), 'duplicate', 'a third copy is dropped');
  t.equal(h.add('b again', b, UNASKED), 'duplicate', 'and so is the second again');
  const [evidence, ...more] = h.chain.equivocationEvidence();
  t.equal(more.length, 0);
  t.equal(evidence!.keyBlock, h.entry('x1').hex);
  t.equal(evidence!.seq, 0);
  t.same(
    [
      hex(evidence!.a.header),
      hex(evidence!.a.leaderSig),
      hex(evidence!.b.header),
      hex(evidence!.b.leaderSig),
    ],
    [
      hex(encodeMicroblockHeader(blockHeader(a))),
      hex(sigOf(a)),
      hex(encodeMicroblockHeader(blockHeader(b))),
      hex(sigOf(b)),
    ],
    'both signed headers, as a Poison transaction carries them (§4.12)',
  );
  t.end();
});

test('equivocation on the best chain: a second seq 0 for the tip epoch is evidence, and the tip stays', (t) => {
  const h = forked(t, 1_000_000, 1_000_000);
  t.equal(h.add('a', micro(h, 'k1', 'k1', 0, 1, 0)), 'connected');
  t.equal(h.add('b', micro(h, 'k1', 'k1', 0, 2), UNASKED), 'side');
  t.equal(h.tipName(), 'a');
  t.equal(h.chain.equivocationEvidence().length, 1);
  t.end();
});

test('a branch made heavier by a waiting orphan stores the bodies it needs, budget or not, and becomes best', (t) => {
  //   g → k1 (tip)
  //     → x1 → m0 (unkept at first) → y2 (heavier: arrives first, an orphan)
  const h = forked(t, 1, 1);
  const m0 = micro(h, 'x1', 'x1', 0, 1, 0); // no transactions: it must connect when its branch wins
  t.equal(h.add('m0', m0, UNASKED), 'unkept');
  const y2 = mineKeyBlock({
    prev: microblockId(blockHeader(m0)),
    height: 2n,
    time: keyTime(h, 'x1') + 60,
    body: { payout: new Uint8Array(20).fill(0x79) },
  });
  t.equal(h.add('y2', { kind: 'key', block: y2 }, UNASKED), 'orphan');

  // The node fetches y2's parent by id (unasked: the peer chose it); now it is needed.
  t.equal(h.add('m0 fetched', m0, UNASKED), 'side');
  t.equal(h.tipName(), 'y2', 'y2 was adopted and the heavier branch is best');
  t.equal(h.chain.tip.keyHeight, 2n);
  t.end();
});

function blockHeader(block: AnyBlock): Parameters<typeof microblockId>[0] {
  if (block.kind !== 'micro') throw new Error('not a microblock');
  return block.block.header;
}

function keyTime(h: ChainHarness, name: string): number {
  const block = h.blocks.get(name);
  if (block?.kind !== 'key') throw new Error(`${name} is not a key block`);
  return block.block.header.time;
}

function sigOf(block: AnyBlock): Uint8Array {
  if (block.kind !== 'micro') throw new Error('not a microblock');
  return block.block.leaderSig;
}

/** The encoded size of a two-transfer microblock like those above, on a throwaway chain. */
function typicalSize(t: Test): number {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('k1', 'g');
  return size(micro(h, 'k1', 'k1', 0, 0));
}

test('worthDecoding: from the header and size alone, the microblocks the chain would keep', (t) => {
  const one = typicalSize(t);
  const h = forked(t, 2 * one + 10, 1_000_000);
  const header = (block: AnyBlock): Parameters<typeof microblockId>[0] => blockHeader(block);
  const onTip = micro(h, 'k1', 'k1', 0, 1, 0);
  t.ok(h.chain.worthDecoding(header(onTip), size(onTip)), 'one extending the tip');
  t.equal(h.add('a', onTip), 'connected');
  t.notOk(h.chain.worthDecoding(header(onTip), size(onTip)), 'one the chain holds');
  const m0 = micro(h, 'x1', 'x1', 0, 2);
  t.ok(h.chain.worthDecoding(header(m0), size(m0)), 'a side-branch one within the budget');
  t.equal(h.add('m0', m0, UNASKED), 'side');
  const copy = micro(h, 'x1', 'x1', 0, 3);
  t.ok(h.chain.worthDecoding(header(copy), size(copy)), 'equivocation evidence');
  t.equal(h.add('copy', copy, UNASKED), 'side', 'the equivocation is relayed');
  const third = micro(h, 'x1', 'x1', 0, 4);
  t.notOk(h.chain.worthDecoding(header(third), size(third)), 'a further copy of it');
  t.equal(h.add('m1', micro(h, 'x1', 'm0', 1, 5), UNASKED), 'side');
  const m2 = micro(h, 'x1', 'm1', 2, 6);
  t.notOk(h.chain.worthDecoding(header(m2), size(m2)), 'one past the budget of x1');
  const m1copy = micro(h, 'x1', 'm0', 1, 8);
  t.ok(h.chain.worthDecoding(header(m1copy), size(m1copy)), 'but evidence is, past the budget too');
  const orphan = micro(h, 'x1', 'm1', 2, 7);
  t.ok(
    h.chain.worthDecoding({ ...header(orphan), prev: new Uint8Array(32).fill(3) }, size(orphan)),
    'one on an unknown parent: the orphan budget decides',
  );
  t.end();
});
