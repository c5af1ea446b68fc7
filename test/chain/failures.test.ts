import { test } from 'tap';
import { Failures, MAX_FAILURES } from '../../src/chain/failures.js';

test('remembered failures stay within MAX_FAILURES, the oldest forgotten first', async (t) => {
  const failures = new Failures();
  const key = (n: number): string => n.toString(16).padStart(64, '0');
  for (let n = 0; n <= MAX_FAILURES; n++) failures.set(key(n), { code: 'bad-sequence', gossip: 'reject' });
  t.notOk(failures.has(key(0)), 'the first one is forgotten');
  t.ok(failures.has(key(1)) && failures.has(key(MAX_FAILURES)));
  t.same(failures.get(key(MAX_FAILURES)), { code: 'bad-sequence', gossip: 'reject' });
});
