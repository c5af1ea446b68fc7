import { test } from 'tap';
import { MessageIds, messageId } from '../../src/p2p/topics.js';

test('message ids: §10.1 id of the payload, hashed once per payload object', (t) => {
  const ids = new MessageIds();
  const payload = new Uint8Array(1_000_000).fill(7);
  const first = ids.of(payload);
  t.same(first, messageId(payload), 'the first 20 bytes of H(payload)');
  t.equal(ids.of(payload), first, 'the second ask is answered from memory');
  const copy = payload.slice();
  t.not(ids.of(copy), first, 'another object is hashed afresh');
  t.same(ids.of(copy), first, 'to the same id');
  t.end();
});
