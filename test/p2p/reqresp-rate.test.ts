import { test } from 'tap';
import { PRUNE_AT, RateLimit } from '../../src/p2p/rate.js';
import { RATE_LIMIT } from '../../src/p2p/reqresp.js';

test('rate limit: each key gets RATE_LIMIT.requests per window, then is refused until the window ends', (t) => {
  const clock = { ms: 0 };
  const limit = new RateLimit(RATE_LIMIT, { now: () => clock.ms });
  const taken = Array.from({ length: RATE_LIMIT.requests + 5 }, () => limit.take('peer status'));
  t.equal(taken.filter(Boolean).length, RATE_LIMIT.requests);
  t.ok(limit.take('peer blocks-by-range'), 'another key has its own budget');
  clock.ms += RATE_LIMIT.windowMs + 1;
  t.ok(limit.take('peer status'), 'a new window, a new budget');
  t.end();
});

test('rate limit: the windows of keys gone quiet are dropped once more than PRUNE_AT are held', (t) => {
  const clock = { ms: 0 };
  const limit = new RateLimit(RATE_LIMIT, { now: () => clock.ms });
  for (let i = 0; i <= PRUNE_AT; i++) limit.take(`peer${i} status`);
  t.equal(limit.size, PRUNE_AT + 1);
  clock.ms += RATE_LIMIT.windowMs + 1;
  limit.take('newcomer status');
  t.equal(limit.size, 1, 'only the newcomer is left');
  t.end();
});
