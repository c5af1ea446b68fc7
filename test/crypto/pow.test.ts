import { test } from 'tap';
import { ALTO_YESPOWER, yespower, scanNonces, meetsTarget } from '../../src/crypto/pow.js';

test('yespower of the zero header matches the alto vector', async (t) => {
  t.equal(
    Buffer.from(yespower(new Uint8Array(80), ALTO_YESPOWER)).toString('hex'),
    '0aca7b81cc2b16366b90028297b13664ff982f20e42b911a9d7e37d3c5d020ee',
  );
});

test('scanNonces finds a nonce that a single hash confirms', async (t) => {
  const header = new Uint8Array(80);
  const target = new Uint8Array(32).fill(0xff);
  target[31] = 0x10;
  const hit = scanNonces(header, target, 0, 200);
  t.ok(hit);
  if (!hit) return;
  const confirmed = header.slice();
  new DataView(confirmed.buffer).setUint32(76, hit.nonce, true);
  const hash = yespower(confirmed);
  t.same(hash, hit.hash);
  t.ok(meetsTarget(hash, target));
});
