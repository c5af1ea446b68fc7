import { test } from 'tap';
import { txId } from '../../src/protocol/tx.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { transfer } from '../helpers/txs.js';

const ALICE = new Uint8Array(20).fill(0xa1);

test('the transaction index and the key-height index follow the best chain through a reorg and a reload', async (t) => {
  //   g -> b1 -> m1 -> m2 -> b2
  //          \-> c2 -> c3*        m2's transfer leaves the best chain with the reorg
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const first = transfer(ALICE, 10n);
  const second = transfer(ALICE, 20n, { nonce: 1n });
  h.key('b1', 'g');
  h.micro('m1', 'b1', [first]);
  h.micro('m2', 'm1', [second]);
  h.key('b2', 'm2');
  const located = h.chain.txLocation(txId(second));
  t.equal(located && h.name(located.block), 'm2');
  t.equal(located?.position, 0);
  t.same(
    h.chain.epochBlocks(1n).map((e) => h.name(e)),
    ['b1', 'm1', 'm2'],
  );
  t.equal(h.name(h.chain.keyAt(2n)!), 'b2');

  h.key('c2', 'b1', 0xc2);
  t.equal(h.key('c3', 'c2', 0xc3), 'reorged');
  t.equal(h.chain.txLocation(txId(second)), undefined, 'the disconnected transfer left the index');
  t.equal(h.chain.txLocation(txId(first)), undefined);
  t.same(
    h.chain.epochBlocks(1n).map((e) => h.name(e)),
    ['b1'],
  );
  t.same(
    [1n, 2n, 3n].map((height) => h.name(h.chain.keyAt(height)!)),
    ['b1', 'c2', 'c3'],
  );
  t.equal(h.chain.keyAt(4n), undefined);
  t.same(
    h.chain.epochBlocks(3n).map((e) => h.name(e)),
    ['c3'],
    "the tip's epoch ends at the tip",
  );

  const reopened = ChainHarness.open((fn) => {
    t.teardown(fn);
  }, h.dir);
  t.equal(reopened.chain.keyAt(3n)?.hex, h.chain.keyAt(3n)?.hex, 'a reload rebuilds the height index');
});
