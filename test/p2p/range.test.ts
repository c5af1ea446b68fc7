import { test } from 'tap';
import { rangeResponse } from '../../src/p2p/reqresp.js';
import { decodeBlockMessage } from '../../src/p2p/wire.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { transfer } from '../helpers/txs.js';

test('blocks-by-range serves best-chain epochs in order from (key height, start index)', async (t) => {
  //   g -> k1 -> m1a -> m1b -> k2 -> m2a -> k3
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('k1', 'g');
  h.micro('m1a', 'k1', [transfer(new Uint8Array(20).fill(1), 1n)]);
  h.micro('m1b', 'm1a', [transfer(new Uint8Array(20).fill(1), 1n, { nonce: 1n })]);
  h.key('k2', 'm1b');
  h.micro('m2a', 'k2', [transfer(new Uint8Array(20).fill(1), 1n, { nonce: 2n })]);
  h.key('k3', 'm2a');
  const kinds = (messages: Uint8Array[]): string[] => messages.map((m) => decodeBlockMessage(m).kind);

  t.same(kinds(rangeResponse(h.chain, { keyHeight: 1n, startIndex: 0, maxEpochs: 64 })), [
    'key',
    'micro',
    'micro',
    'key',
    'micro',
    'key',
  ]);
  t.same(
    kinds(rangeResponse(h.chain, { keyHeight: 1n, startIndex: 2, maxEpochs: 1 })),
    ['micro'],
    'from microblock seq 1, one epoch',
  );
  t.same(kinds(rangeResponse(h.chain, { keyHeight: 2n, startIndex: 0, maxEpochs: 1 })), ['key', 'micro']);
  t.same(
    rangeResponse(h.chain, { keyHeight: 9n, startIndex: 0, maxEpochs: 4 }),
    [],
    'beyond the tip: nothing',
  );
});
