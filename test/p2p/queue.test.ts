import { test } from 'tap';
import { ValidationQueue } from '../../src/p2p/queue.js';

const message = (peer: string, n: number): { msgId: string; peer: string; data: Uint8Array } => ({
  msgId: `${peer}-${n}`,
  peer,
  data: Uint8Array.of(n),
});

test('a validation queue is bounded, and one peer holds at most a quarter of it', async (t) => {
  const queue = new ValidationQueue(8);
  const flooded = Array.from({ length: 10 }, (_, n) => queue.push(message('flooder', n)));
  t.same(
    flooded,
    [true, true, false, false, false, false, false, false, false, false],
    'the flooder gets 2 of 8',
  );
  for (let n = 0; n < 2; n++) t.ok(queue.push(message('honest-a', n)));
  for (let n = 0; n < 2; n++) t.ok(queue.push(message('honest-b', n)));
  for (let n = 0; n < 2; n++) t.ok(queue.push(message('honest-c', n)));
  t.notOk(queue.push(message('honest-d', 0)), 'full');
  t.equal(queue.length, 8);
  t.equal(queue.shift()?.msgId, 'flooder-0', 'first in, first out');
  t.ok(queue.push(message('flooder', 99)), "a freed slot of the flooder's share can be used again");
  t.notOk(queue.push(message('flooder', 100)));
  const order: string[] = [];
  for (let m = queue.shift(); m !== undefined; m = queue.shift()) order.push(m.msgId);
  t.same(order, [
    'flooder-1',
    'honest-a-0',
    'honest-a-1',
    'honest-b-0',
    'honest-b-1',
    'honest-c-0',
    'honest-c-1',
    'flooder-99',
  ]);
  t.ok(
    queue.push(message('flooder', 101)) && queue.push(message('flooder', 102)),
    'an empty queue takes the flooder again',
  );
});

test("a banned peer's queued messages are taken out at once, the others' keep their order", async (t) => {
  const queue = new ValidationQueue(16);
  for (let n = 0; n < 3; n++) {
    queue.push(message('banned', n));
    queue.push(message('honest', n));
  }
  t.same(
    queue.dropPeer('banned').map((m) => m.msgId),
    ['banned-0', 'banned-1', 'banned-2'],
  );
  t.same(queue.dropPeer('banned'), [], 'nothing left of it');
  t.equal(queue.length, 3);
  const order: string[] = [];
  for (let m = queue.shift(); m !== undefined; m = queue.shift()) order.push(m.msgId);
  t.same(order, ['honest-0', 'honest-1', 'honest-2']);
  for (let n = 0; n < 4; n++) t.ok(queue.push(message('banned', 10 + n)), 'its share is free again');
});
