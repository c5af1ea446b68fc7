// Request schemas are enforced as written: an unknown property is refused and
// named, a JSON body is never coerced, and text/plain may end in a newline.
import { test } from 'tap';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import { startTestNode } from '../helpers/node.js';
import { transfer } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const FEE = 10n ** 11n * 200n;

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

function postJson(url: string, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

test('unknown-field: a body property the schema does not declare is refused and named', async (t) => {
  const { url, token } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const tx = hex(encodeTx(transfer(new Uint8Array(20).fill(0x55), 1n, { fee: FEE })));
  let response = await postJson(url, '/txs', { hex: tx, x: 1 });
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'unknown-field', field: 'x' });

  response = await postJson(url, '/mining/submit', { hex: '00'.repeat(184), extra: true }, token);
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'unknown-field', field: 'extra' });

  response = await postJson(url, '/peers', { address: '/ip4/127.0.0.1/tcp/1', port: 1 }, token);
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'unknown-field', field: 'port' });

  response = await postJson(url, '/txs', { hex: tx });
  t.equal(response.status, 200, 'the same body without the extra property is taken');
});

test('unknown-field: a query parameter the route does not declare is refused and named', async (t) => {
  const { url, token } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const auth = { authorization: `Bearer ${token}` };
  for (const path of [
    '/status?x=1',
    '/supply?verbose=true',
    '/state/digest?x=',
    '/mempool?limit=5&offset=2',
    `/blocks/${'ab'.repeat(32)}?x=1`,
    '/blocks/height/0?full=1',
    '/openapi.json?x=1',
    '/peers?x=1',
    '/events?from=0&since=1',
    '/mining/template?payout=ralto1&x=1',
  ]) {
    const response = await fetch(`${url}${path}`, { headers: auth });
    t.equal(response.status, 400, path);
    if (response.status !== 400) {
      await response.body?.cancel(); // an event stream would never end
      continue;
    }
    const body = await json(response);
    t.equal(body.code, 'unknown-field', path);
    t.match(body.field, /^(x|verbose|offset|full|since)$/, path);
  }
  t.equal((await fetch(`${url}/status`)).status, 200);
});

test('bad-request: a JSON body is checked as sent, never coerced to the schema type', async (t) => {
  const { url, token } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  // 12 would pass as the hex "12" if coerced: the number must be refused as a number.
  let response = await postJson(url, '/txs', { hex: 12 });
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request', field: 'hex', message: /string/ });

  response = await postJson(url, '/txs', { hex: ['ab'] });
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request', field: 'hex' });

  response = await postJson(url, '/peers', { address: 1234 }, token);
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request', field: 'address' });

  response = await postJson(url, '/txs', true);
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request' });
});

test('bad-request: POST /txs without a body is refused (it was a 500)', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const response = await fetch(`${url}/txs`, { method: 'POST' });
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request', field: 'hex' });
});

test('text/plain: a submitted transaction may end in a newline (as `curl --data-binary @file` sends it)', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const sent = [0n, 1n].map((nonce) => transfer(new Uint8Array(20).fill(0x55), 1n, { fee: FEE, nonce }));
  const [first, second] = sent.map((tx) => hex(encodeTx(tx)));
  for (const [body, tx] of [
    [`${first}\n`, sent[0]!],
    [`${second}\r\n`, sent[1]!],
  ] as const) {
    const response = await fetch(`${url}/txs`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    t.equal(response.status, 200, JSON.stringify(body.slice(-2)));
    t.match(await json(response), { id: hex(txId(tx)), status: 'pending' });
  }
  const inner = await fetch(`${url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: `${first!.slice(0, 10)}\n${first!.slice(10)}`,
  });
  t.equal(inner.status, 400, 'whitespace inside the hex is still malformed');
  t.match(await json(inner), { code: 'bad-request' });
});
