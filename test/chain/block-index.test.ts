// The persistent block index (storage/layout.ts, `index`): the chain reloads
// from it in one pass, without reading or validating block bodies; it is
// written in each block's own transaction, so a fault at any write leaves an
// index that reloads to the chain as it was; a schema-1 data dir gains it once.
import { test, type Test } from 'tap';
import { Chain } from '../../src/chain/chain.js';
import type { Entry } from '../../src/chain/index-entry.js';
import { REGTEST } from '../../src/protocol/params.js';
import { Storage } from '../../src/storage/db.js';
import { indexSize } from '../../src/storage/index-record.js';
import { META_INDEX_NEXT, META_VERSION } from '../../src/storage/layout.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { failCommitsAt } from '../helpers/faults.js';
import { tempDir } from '../helpers/temp-dir.js';
import { transfer } from '../helpers/txs.js';

const ALICE = new Uint8Array(20).fill(0xa1);
const NOW_MS = (REGTEST.genesis.time + 10_000_000) * 1000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Everything the index says of the named blocks, the tip and the best chain. */
function summary(chain: Chain, ids: readonly Uint8Array[]): string {
  const describe = (e: Entry | undefined): string =>
    e === undefined
      ? 'absent'
      : [
          e.kind,
          e.hex,
          e.parent?.hex ?? '-',
          e.keyHeight,
          e.chainWork,
          e.timeMs,
          e.epochKey.hex,
          e.kind === 'micro' ? e.seq : e.activation,
        ].join(' ');
  const best: string[] = [];
  for (let h = 0n; chain.keyAt(h) !== undefined; h++) best.push(chain.keyAt(h)!.hex);
  return [
    `tip ${describe(chain.tip)}`,
    `best ${best.join(',')}`,
    ...ids.map((id) => describe(chain.get(id))),
  ].join('\n');
}

/**
 *   g -> b1 -> m1 -> m2 -> b2 -> m3
 *          \-> c2 -> n2           (a side branch, its microblock stored under rules 1–4)
 */
function forked(h: ChainHarness): string[] {
  h.key('b1', 'g');
  h.micro('m1', 'b1', [transfer(ALICE, 5n)]);
  h.micro('m2', 'm1', [transfer(ALICE, 6n, { nonce: 1n }), transfer(ALICE, 7n, { nonce: 2n })]);
  h.key('b2', 'm2');
  h.micro('m3', 'b2', [transfer(ALICE, 8n, { nonce: 3n })]);
  h.key('c2', 'b1', 0xc2);
  h.micro('n2', 'c2');
  return ['g', 'b1', 'm1', 'm2', 'b2', 'm3', 'c2', 'n2'];
}

async function reopened(t: Test, dir: string): Promise<Chain> {
  const storage = Storage.open(dir);
  t.teardown(() => storage.close());
  return Chain.open(storage, { params: REGTEST, now: () => NOW_MS });
}

test('the block index reloads the chain in one pass without reading a block body', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const h = ChainHarness.open(() => undefined, dir);
  const names = forked(h);
  const ids = names.map((n) => h.entry(n).id);
  const before = summary(h.chain, ids);
  const digest = h.digest();
  // Bodies are not needed to load: overwrite every microblock body with junk.
  h.storage.commit((tables) => {
    for (const name of ['m1', 'm2', 'm3', 'n2'])
      tables.blocks.put(h.entry(name).id, Uint8Array.of(1, 0xff, 0xff));
  });
  await h.storage.close();
  const chain = await reopened(t, dir);
  t.equal(summary(chain, ids), before, 'the same entries, tip and best chain');
  t.equal(hex(chain.digest()), digest, 'the same state');
});

test('a fault at any write of a block leaves an index that reloads to the chain before it', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const h = ChainHarness.open(() => undefined, dir);
  const names = forked(h);
  // c3 outweighs b2: a reorg, writing blocks, index, state, undo, txindex and the tip.
  const builder = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  builder.replay(h, ['b1', 'c2']);
  builder.key('c3', 'c2', 0xc3);
  const c3 = builder.blocks.get('c3')!;
  const ids = [...names.map((n) => h.entry(n).id), builder.entry('c3').id];
  const before = summary(h.chain, ids);
  let faults = 0;
  for (let failAt = 1; ; failAt++) {
    const restore = failCommitsAt(h.storage, failAt);
    let done = false;
    try {
      h.chain.add(c3);
      done = true;
    } catch {
      faults++;
    } finally {
      restore();
    }
    if (done) break;
  }
  t.ok(faults > 5, `${faults} faults injected, one before each write`);
  const after = summary(h.chain, ids);
  t.not(after, before, 'the last try went through: c3 is the tip');
  await h.storage.close();
  t.equal(summary(await reopened(t, dir), ids), after, 'the reloaded index is the chain after the block');
});

test('a schema-1 data dir gains the block index once, in parent-first order', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const h = ChainHarness.open(() => undefined, dir);
  const names = forked(h);
  const ids = names.map((n) => h.entry(n).id);
  const before = summary(h.chain, ids);
  const digest = h.digest();
  const blocks = indexSize(h.storage.read.meta);
  // What schema 1 had: the blocks, no index.
  h.storage.commit((tables) => {
    for (const { key } of [...tables.index.range()]) tables.index.remove(key);
    tables.meta.remove(new TextEncoder().encode(META_INDEX_NEXT));
    tables.meta.put(new TextEncoder().encode(META_VERSION), Uint8Array.of(1, 0, 0, 0));
  });
  await h.storage.close();
  const chain = await reopened(t, dir);
  t.equal(summary(chain, ids), before, 'the same entries, tip and best chain');
  t.equal(hex(chain.digest()), digest, 'the same state');
  const storage = Storage.open(dir);
  t.teardown(() => storage.close());
  t.equal(indexSize(storage.read.meta), blocks, `${blocks} index records, one per stored block`);
});
