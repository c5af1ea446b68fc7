import { test } from 'tap';
import { getPublicKey, sign, verifyBatch } from '../../src/crypto/ed25519.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { seededRandom } from '../helpers/random.js';

test('verifyBatchParallel answers exactly as verifyBatch, split across threads', async (t) => {
  const pool = VerifyPool.start(2);
  t.teardown(() => pool.close());
  const random = seededRandom(0x9001);
  const items = Array.from({ length: 300 }, (_, i) => {
    const seed = random(32);
    const message = random(20 + (i % 50));
    const signature = sign(message, seed);
    if (i % 37 === 0) signature[5]! ^= 4; // a few bad ones, in both halves
    return { signature, message, publicKey: getPublicKey(seed) };
  });
  const expected = verifyBatch(items);
  t.equal(expected.filter((ok) => !ok).length, 9, 'nine spoiled signatures');
  t.same(await pool.verifyBatchParallel(items), expected);
  t.same(
    await pool.verifyBatchParallel(items.slice(0, 10)),
    expected.slice(0, 10),
    'a small batch stays local',
  );
  t.same(await pool.verifyBatchParallel([]), []);
});

test('a pool refuses a bad thread count with a code', async (t) => {
  t.throws(() => VerifyPool.start(0), { code: 'bad-threads' });
  t.throws(() => VerifyPool.start(1.5), { code: 'bad-threads' });
});
