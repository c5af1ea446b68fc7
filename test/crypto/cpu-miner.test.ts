import { once } from 'node:events';
import { test } from 'tap';
import { CpuMiner, type HashReport } from '../../src/crypto/cpu-miner.js';
import { meetsTarget, yespower } from '../../src/crypto/pow.js';

const IMPOSSIBLE = new Uint8Array(32); // only an all-zero hash would meet it

function easyTarget(): Uint8Array {
  const target = new Uint8Array(32).fill(0xff);
  target[31] = 0x07; // about one hash in 32 meets it
  return target;
}

function headerWith(seed: number): Uint8Array {
  return Uint8Array.from({ length: 80 }, (_, i) => (i * 31 + seed) & 0xff);
}

test('the miner finds a nonce under an easy target, and a single hash confirms it', async (t) => {
  const miner = await CpuMiner.start({ threads: 2 });
  t.teardown(() => miner.close());
  const header = headerWith(1);
  const target = easyTarget();
  const found = once(miner, 'found');
  miner.mine({ header, target });
  const [solution] = (await found) as [{ nonce: number; hash: Uint8Array; header: Uint8Array }];
  const expected = header.slice();
  new DataView(expected.buffer).setUint32(76, solution.nonce, true);
  t.same(solution.header, expected, 'the solved header is the job header with the nonce in place');
  const hash = yespower(expected);
  t.same(solution.hash, hash, 'the reported hash is the yespower of the solved header');
  t.ok(meetsTarget(hash, target), 'the hash meets the target');
});

test('a stopped miner stops within 100 ms and reports no hashes afterwards', async (t) => {
  const miner = await CpuMiner.start({ threads: 2 });
  t.teardown(() => miner.close());
  const reports: HashReport[] = [];
  miner.on('hashes', (report) => reports.push(report));
  miner.mine({ header: headerWith(2), target: IMPOSSIBLE });
  // Wait until both threads are hashing.
  while (new Set(reports.map((r) => r.thread)).size < 2) await once(miner, 'hashes');
  const asked = performance.now();
  await miner.stop();
  const stopMs = performance.now() - asked;
  t.ok(stopMs <= 100, `stop confirmed by every thread after ${stopMs.toFixed(1)} ms`);
  const seen = reports.length;
  // A second stop is a round trip through every thread's queue: any report
  // sent before it would arrive first.
  await miner.stop();
  t.equal(reports.length, seen, 'no hash report arrives after stop');
});

test('a new job replaces the running one: no report of the old job arrives after mine()', async (t) => {
  const miner = await CpuMiner.start({ threads: 1 });
  t.teardown(() => miner.close());
  miner.mine({ header: headerWith(3), target: IMPOSSIBLE });
  await once(miner, 'hashes');
  const solved = once(miner, 'found');
  miner.mine({ header: headerWith(4), target: new Uint8Array(32).fill(0xff) });
  const [solution] = (await solved) as [{ header: Uint8Array; nonce: number }];
  t.same(solution.header.subarray(0, 76), headerWith(4).subarray(0, 76), 'the solution is for the new job');
  t.equal(solution.nonce, 0, 'the new job starts at its first nonce');
});

test('a range with no solution ends in exhausted', async (t) => {
  const miner = await CpuMiner.start({ threads: 2 });
  t.teardown(() => miner.close());
  let hashes = 0;
  miner.on('hashes', (r) => (hashes += r.hashes));
  const exhausted = once(miner, 'exhausted');
  miner.mine({ header: headerWith(5), target: IMPOSSIBLE, startNonce: 100, endNonce: 106 });
  await exhausted;
  t.equal(hashes, 6, 'every nonce of the range was hashed exactly once');
});

test('bad miner input is refused with a code before any thread sees it', async (t) => {
  await t.rejects(CpuMiner.start({ threads: 0 }), { code: 'bad-threads' });
  await t.rejects(CpuMiner.start({ threads: 1, params: { N: 3000, r: 32, pers: new Uint8Array() } }), {
    code: 'bad-yespower-n',
  });
  const miner = await CpuMiner.start({ threads: 1 });
  t.teardown(() => miner.close());
  t.throws(
    () => {
      miner.mine({ header: new Uint8Array(79), target: IMPOSSIBLE });
    },
    { code: 'bad-length' },
  );
  t.throws(
    () => {
      miner.mine({ header: new Uint8Array(80), target: new Uint8Array(31) });
    },
    { code: 'bad-length' },
  );
  t.throws(
    () => {
      miner.mine({ header: new Uint8Array(80), target: IMPOSSIBLE, startNonce: 5, endNonce: 5 });
    },
    {
      code: 'bad-nonce-range',
    },
  );
});
