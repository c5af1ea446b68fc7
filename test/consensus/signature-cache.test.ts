import { test } from 'tap';
import { Chain } from '../../src/chain/chain.js';
import { SignatureCache } from '../../src/consensus/signature-cache.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { keyBlockId } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, type Tx } from '../../src/protocol/tx.js';
import { Storage } from '../../src/storage/db.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { tempDir } from '../helpers/temp-dir.js';
import { transfer } from '../helpers/txs.js';

const NOW_MS = (REGTEST.genesis.time + 10_000_000) * 1000;

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);

test('the signature cache holds at most its capacity, dropping the entry added longest ago', async (t) => {
  const cache = new SignatureCache(3);
  for (const n of [1, 2, 3]) cache.add(id(n));
  cache.add(id(1)); // added again: now the newest
  cache.add(id(4));
  t.equal(cache.size, 3);
  t.notOk(cache.has(id(2)), 'the oldest went');
  t.ok(cache.has(id(1)) && cache.has(id(3)) && cache.has(id(4)));
});

test('a block skips the signatures in the cache: the mempool notes each one it verifies', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const storage = Storage.open(dir);
  t.teardown(() => storage.close());
  const signatures = new SignatureCache();
  const chain = Chain.open(storage, { params: REGTEST, now: () => NOW_MS, signatures });
  const mempool = new Mempool({}, { chain, params: REGTEST, now: () => NOW_MS, signatures });
  const tx = transfer(new Uint8Array(20).fill(0xa1), 5n, { fee: 10n ** 15n });
  mempool.add(tx, 'local');
  t.ok(signatures.has(txId(tx)), 'the mempool noted the verified signature');
  // A transaction whose id is in the cache is taken as verified: its bytes are the verified bytes.
  const forged = { ...tx, nonce: 0n, signature: new Uint8Array(64).fill(2) };
  const key = mineKeyBlock({ prev: chain.tip.id, height: 1n });
  chain.add({ kind: 'key', block: key });
  const micro = (txs: Tx[], dt: bigint) =>
    buildMicroblock({
      keyBlockId: keyBlockId(key.header),
      timeMs: BigInt(key.header.time) * 1000n + dt,
      txs,
    });
  t.throws(
    () => chain.add({ kind: 'micro', block: micro([forged], 1000n) }),
    { code: 'bad-signature' },
    'not cached: verified',
  );
  signatures.add(txId(forged));
  t.equal(
    chain.add({ kind: 'micro', block: micro([forged], 2000n) }),
    'connected',
    'cached: not verified again',
  );
});
