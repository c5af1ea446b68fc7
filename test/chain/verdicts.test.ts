// One verdict per block (PROTOCOL.md §3.3, §4.13, §10.2): the rules run in
// §3.3's order, a side-branch microblock is checked under rules 1–4 only, a
// re-delivered block gets the verdict its first failure had, and a failure
// inside a reorganisation condemns the block that failed, not the one that came in.
import { test } from 'tap';
import type { AnyBlock } from '../../src/chain/chain.js';
import { RuleError } from '../../src/protocol/errors.js';
import { keyBlockId, type KeyBlock } from '../../src/protocol/key-block.js';
import { microblockId, type Microblock } from '../../src/protocol/microblock.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const ALICE = new Uint8Array(20).fill(0xa1);

/** The code and verdict `add` answers with, or its result. */
function verdict(h: ChainHarness, block: AnyBlock): string {
  try {
    return h.chain.add(block);
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    return `${error.code}/${error.gossip}`;
  }
}

function microOn(
  h: ChainHarness,
  parent: string,
  spec: { txs?: Microblock['txs']; dt?: bigint } = {},
): Microblock {
  const p = h.entry(parent);
  return buildMicroblock({
    keyBlockId: p.epochKey.id,
    prev: p.id,
    keyHeight: p.keyHeight,
    seq: p.kind === 'key' ? 0 : p.seq + 1,
    timeMs: p.timeMs + (spec.dt ?? 1000n),
    txs: spec.txs ?? [],
  });
}

test('side branch (§10.2): a microblock with an altered body is checked under rules 1–4 only, relayed, not stored', async (t) => {
  //   g -> b1 -> b2          (best)
  //          \-> c1 -> c1m   c1m: its two transactions swapped, so tx_root no longer matches
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.key('b2', 'b1');
  h.key('c1', 'b1');
  const genuine = microOn(h, 'c1', { txs: [transfer(ALICE, 1n), transfer(ALICE, 2n, { nonce: 1n })] });
  const altered: Microblock = { ...genuine, txs: [...genuine.txs].reverse(), header: { ...genuine.header } };
  t.equal(verdict(h, { kind: 'micro', block: altered }), 'side', 'relayed: rules 1–4 hold');
  t.equal(h.chain.get(microblockId(altered.header)), undefined, 'the altered body is not stored');
  t.equal(verdict(h, { kind: 'micro', block: genuine }), 'side', 'the genuine body still comes in');
  t.ok(h.chain.get(microblockId(genuine.header)), 'and is stored');
  t.equal(h.tipName(), 'b2');
});

test('side branch (§10.2): transaction signatures wait until the branch becomes best', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.key('b2', 'b1');
  h.key('c1', 'b1');
  const tx = transfer(ALICE, 1n);
  const badSig = { ...tx, signature: new Uint8Array(64).fill(3) };
  t.equal(verdict(h, { kind: 'micro', block: microOn(h, 'c1', { txs: [badSig] }) }), 'side');
});

test('rule order (§3.3): rule 4 (time-too-new) answers before rule 6 (mutated); rule 1 before rule 4', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  const farAhead = 10n ** 13n; // far past the harness clock + 120 s
  const txs = [transfer(ALICE, 1n), transfer(ALICE, 2n, { nonce: 1n })];
  const tooNew = microOn(h, 'b1', { txs, dt: farAhead });
  const rootMutated: Microblock = { ...tooNew, txs: [txs[1]!, txs[0]!] };
  t.equal(verdict(h, { kind: 'micro', block: rootMutated }), 'time-too-new/ignore', 'tx_root is rule 6');
  const countMutated: Microblock = { ...tooNew, txs: txs.slice(0, 1) };
  t.equal(verdict(h, { kind: 'micro', block: countMutated }), 'mutated/reject', 'tx_count is rule 1');
  const current = microOn(h, 'b1', { txs });
  t.equal(
    verdict(h, { kind: 'micro', block: { ...current, txs: [txs[1]!, txs[0]!] } }),
    'mutated/reject',
    'on time, the reordered body is mutated',
  );
  t.equal(verdict(h, { kind: 'micro', block: current }), 'connected', 'and the id was not condemned');
});

test('one verdict per block: a state-dependent failure is IGNOREd on every delivery, not REJECTed the second time', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  const overdraft = microOn(h, 'b1', { txs: [transfer(ALICE, 2_000_000n * ALTO)] });
  t.equal(verdict(h, { kind: 'micro', block: overdraft }), 'insufficient-funds/ignore', 'first delivery');
  t.equal(verdict(h, { kind: 'micro', block: overdraft }), 'insufficient-funds/ignore', 'second delivery');
  const child = microOn(h, 'b1', { txs: [transfer(ALICE, 1n)] });
  const onTop = buildMicroblock({
    keyBlockId: h.entry('b1').id,
    prev: microblockId(overdraft.header),
    keyHeight: 1n,
    seq: 1,
    timeMs: overdraft.header.timeMs + 1000n,
  });
  t.equal(verdict(h, { kind: 'micro', block: onTop }), 'bad-prev/ignore', 'a descendant is IGNOREd');
  t.equal(verdict(h, { kind: 'micro', block: onTop }), 'bad-prev/ignore', 'every time');
  t.equal(verdict(h, { kind: 'micro', block: child }), 'connected', 'the parent itself is fine');
});

test('decision 18: the block of a side branch that fails is condemned, with its descendants, not the one that came in', async (t) => {
  //   g -> b1 -> b2                        (best)
  //     \-> c1 -> c1m -> c2 -> c3          c1m overdraws: stored on the side branch (rules 1–4 only)
  // c2's activation reads the state after c1m (§5.1's snapshot), so applying its branch finds c1m out.
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.key('b2', 'b1');
  h.key('c1', 'g');
  const overdraft = microOn(h, 'c1', { txs: [transfer(ALICE, 2_000_000n * ALTO)] });
  t.equal(h.add('c1m', { kind: 'micro', block: overdraft }), 'side', 'stored on the side branch');
  const before = h.digest();
  t.equal(
    verdict(h, keyBlockOn(h, 'c2', 'c1m')),
    'bad-prev/ignore',
    'c2 needs the state after c1m: c1m fails, and c2 answers as what it is, its descendant',
  );
  t.equal(h.tipName(), 'b2', 'the tip stays');
  t.equal(h.digest(), before, 'and so does the state');
  t.equal(verdict(h, h.blocks.get('c1m')!), 'insufficient-funds/ignore', 'c1m keeps its own verdict');
  t.equal(verdict(h, h.blocks.get('c2')!), 'bad-prev/ignore', 'c2 descends from it');
  const c2 = h.blocks.get('c2')!;
  const c3: AnyBlock = {
    kind: 'key',
    block: mineKeyBlock({
      prev: keyBlockId((c2 as { block: KeyBlock }).block.header),
      height: 3n,
      time: (c2 as { block: KeyBlock }).block.header.time + 60,
    }),
  };
  t.equal(verdict(h, c3), 'bad-prev/ignore', 'so does c3, on it');
  t.equal(h.key('c2x', 'c1'), 'side', 'c1 itself is not condemned');
});

/** Mines key block `name` on `parent` without adding it. */
function keyBlockOn(h: ChainHarness, name: string, parent: string): AnyBlock {
  const p = h.entry(parent);
  const block: AnyBlock = {
    kind: 'key',
    block: mineKeyBlock({
      prev: p.id,
      height: p.keyHeight + 1n,
      time: p.epochKey.block.header.time + 60,
      body: { payout: new Uint8Array(20).fill(name.charCodeAt(0)) },
    }),
  };
  h.blocks.set(name, block);
  return block;
}
