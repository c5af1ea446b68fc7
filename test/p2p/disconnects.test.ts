import { test } from 'tap';
import { DISCONNECTS_KEPT, DisconnectLog } from '../../src/p2p/disconnects.js';

test('the disconnect log keeps the last DISCONNECTS_KEPT, newest last, with when and why', (t) => {
  let now = 1000;
  const log = new DisconnectLog({ now: () => now });
  for (let i = 0; i < DISCONNECTS_KEPT + 5; i++) {
    now += 1;
    log.record(`peer-${i}`, 'banned', 'bad-encoding');
  }
  log.record('stranger', 'other-genesis');
  const list = log.list();
  t.equal(list.length, DISCONNECTS_KEPT);
  t.equal(list[0]!.peer, 'peer-6', 'the oldest ones went first');
  t.same(list.at(-1), { peer: 'stranger', atMs: now, reason: 'other-genesis', detail: null });
  t.end();
});
