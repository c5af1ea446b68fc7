import { test } from 'tap';
import { BanList } from '../../src/p2p/bans.js';

test('a ban lasts its duration on the clock passed in, then lapses', async (t) => {
  const clock = { ms: 1_000 };
  const bans = new BanList({ durationMs: 24 * 3600 * 1000 }, { now: () => clock.ms });
  bans.ban('peer-a', 'bad-pow');
  t.ok(bans.isBanned('peer-a'));
  t.notOk(bans.isBanned('peer-b'));
  t.same(bans.list(), [{ peer: 'peer-a', until: 1_000 + 24 * 3600 * 1000, reason: 'bad-pow' }]);
  clock.ms += 24 * 3600 * 1000 - 1;
  t.ok(bans.isBanned('peer-a'), 'still banned a millisecond before the end');
  clock.ms += 1;
  t.notOk(bans.isBanned('peer-a'), 'lapsed');
  t.same(bans.list(), []);
});
