// The block-import bench's fixture (bench/import-chain.ts), built small, so a
// change in src/ that would turn its comparison into bootstrap against
// bootstrap fails here rather than in a bench nobody runs in CI: the endorsed
// epochs' key blocks wait as candidates until an M_{h,0} with all N
// endorsements connects them (§5.4), the bootstrap epochs' connect at once,
// and both carry the same transfers.
import { test } from 'tap';
import { POA_PARAMS, importFixture, openChain, params } from '../bench/import-chain.js';
import type { AnyBlock } from '../src/chain/block-store.js';
import type { NetworkParams } from '../src/protocol/params.js';

const EPOCHS = 2;
const MICROBLOCKS = 2;
const TXS = 5;

/** Each block's add result, after the prefix; and the transfers the microblocks carry. */
function replay(
  chainParams: NetworkParams,
  prefix: readonly AnyBlock[],
  blocks: readonly AnyBlock[],
): { prefix: string[]; results: string[]; txs: string[] } {
  const { chain, close } = openChain(chainParams);
  try {
    return {
      prefix: prefix.map((b) => chain.add(b)),
      results: blocks.map((b) => chain.add(b)),
      txs: blocks.flatMap((b) =>
        b.kind === 'micro'
          ? b.block.txs.map((tx) => `${tx.nonce}:${Buffer.from(tx.signature).toString('hex')}`)
          : [],
      ),
    };
  } finally {
    close();
  }
}

test('endorsed epochs activate through M_{h,0} with N endorsements; bootstrap epochs connect at once', (t) => {
  const fixture = importFixture(EPOCHS, MICROBLOCKS, TXS);
  t.equal(fixture.transfers, EPOCHS * MICROBLOCKS * TXS);

  const endorsed = replay(POA_PARAMS, fixture.prefix, fixture.endorsed);
  t.same(endorsed.prefix, ['connected', 'connected', 'connected'], 'the prefix bonds the validators');
  const perEpoch = ['candidate', 'connected', ...Array<string>(MICROBLOCKS).fill('connected')];
  t.same(
    endorsed.results,
    Array.from({ length: EPOCHS }, () => perEpoch).flat(),
    'K waits, M_{h,0} connects it',
  );
  const sections = fixture.endorsed.flatMap((b) =>
    b.kind === 'micro' && b.block.header.seq === 0 ? [b.block] : [],
  );
  t.equal(sections.length, EPOCHS, 'one M_{h,0} per epoch');
  for (const m of sections) {
    t.same(
      m.activation.map((e) => e.index),
      [0, 1, 2, 3, 4],
      'all N slots endorsed, indices increasing',
    );
    t.equal(m.txs.length, 0, 'no transactions in M_{h,0}, as our leader builds it');
  }

  const bootstrap = replay(params, fixture.prefix, fixture.bootstrap);
  const bootstrapEpoch = ['connected', ...Array<string>(MICROBLOCKS).fill('connected')];
  t.same(bootstrap.results, Array.from({ length: EPOCHS }, () => bootstrapEpoch).flat());
  t.ok(
    fixture.bootstrap.every((b) => b.kind === 'key' || b.block.activation.length === 0),
    'no activation sections in bootstrap epochs',
  );
  t.same(bootstrap.txs, endorsed.txs, 'the same transfers in both');
  t.end();
});
