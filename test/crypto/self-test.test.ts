import { test } from 'tap';
import { yespowerFile } from '../helpers/vectors.js';
import { selfTestYespower } from '../../src/crypto/self-test.js';
import { YESPOWER_VECTORS } from '../../src/crypto/yespower-vectors.js';

const file = yespowerFile;

test('the embedded self-test vectors are exactly test/vectors/yespower.json', async (t) => {
  const fromFile = (['reference', 'alto'] as const).flatMap((set) =>
    file[set].map((v) => ({ set, N: v.N, r: v.r, pers: v.pers ?? '', input: v.input, hash: v.hash })),
  );
  t.same(YESPOWER_VECTORS, fromFile);
});

test('every yespower vector passes the self-test', async (t) => {
  const result = selfTestYespower();
  t.equal(result.passed, YESPOWER_VECTORS.length);
  t.same(result.failures, []);
});

test('the self-test reports a vector whose hash does not match', async (t) => {
  const [first] = YESPOWER_VECTORS;
  if (first === undefined) throw new Error('no vectors');
  const broken = { ...first, hash: '00'.repeat(32) };
  const result = selfTestYespower([broken]);
  t.equal(result.passed, 0);
  t.equal(result.failures.length, 1);
  t.equal(result.failures[0]?.got, first.hash, 'it reports what the core computed');
});
