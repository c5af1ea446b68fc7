import { test } from 'tap';
import { requireSchemas } from '../../src/api/server.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { startTestNode } from '../helpers/node.js';
import { FAUCET_ACCOUNT, transfer } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const FEE = 10n ** 11n * 200n;

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

test('OpenAPI: every route declares a request and a response schema', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const doc = (await json(await fetch(`${url}/openapi.json`))) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: unknown[];
          requestBody?: unknown;
          responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
        }
      >
    >;
  };
  t.match(doc.openapi, /^3\./);
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
  t.ok(operations.length >= 13, `${operations.length} operations`);
  const required = [
    'GET /status',
    'GET /blocks/{id}',
    'GET /blocks/height/{height}',
    'GET /txs/{id}',
    'GET /accounts/{address}',
    'GET /mempool',
    'POST /txs',
    'GET /supply',
    'GET /state/digest',
    'GET /mining/template',
    'POST /mining/submit',
    'GET /events',
  ];
  for (const name of required)
    t.ok(
      operations.some((o) => o.name === name),
      `${name} is documented`,
    );
  for (const { name, op } of operations) {
    const ok = op.responses?.['200']?.content;
    t.ok(ok && Object.values(ok).every((c) => c.schema !== undefined), `${name}: a 200 response schema`);
    t.ok(op.responses?.['400']?.content, `${name}: an error response schema`);
  }
  // Request side: path parameters and bodies are in the document; query-less routes declare an empty querystring.
  for (const { name, op } of operations) {
    if (name.includes('{')) t.ok((op.parameters ?? []).length > 0, `${name}: path parameters`);
    if (name.startsWith('POST')) t.ok(op.requestBody, `${name}: a request body schema`);
  }
  for (const name of ['GET /mempool', 'GET /events', 'GET /mining/template']) {
    const op = operations.find((o) => o.name === name)?.op;
    t.ok((op?.parameters ?? []).length > 0, `${name}: query parameters`);
  }
});

test('a route without a request or a response schema cannot be registered', async (t) => {
  const handler = (): string => 'x';
  t.throws(() => {
    requireSchemas({ method: 'GET', url: '/naked', handler });
  }, /GET \/naked must declare a request and a response schema/);
  t.throws(() => {
    requireSchemas({
      method: 'GET',
      url: '/half',
      handler,
      schema: { response: { 200: { type: 'string' } } },
    });
  });
  t.doesNotThrow(() => {
    requireSchemas({
      method: 'GET',
      url: '/whole',
      handler,
      schema: { querystring: { type: 'object' }, response: { 200: { type: 'string' } } },
    });
  });
});

test('errors: malformed JSON names the field, oversized bodies get 413, unknown ids 404, bad addresses 400', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const post = (body: string, type = 'application/json'): Promise<Response> =>
    fetch(`${url}/txs`, { method: 'POST', headers: { 'content-type': type }, body });

  let response = await post(JSON.stringify({ hex: 5 }));
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request', field: 'hex' });

  response = await post(JSON.stringify({}));
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-request', field: 'hex' });

  response = await post('{"hex": ');
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-json' });

  response = await post(JSON.stringify({ hex: 'ab'.repeat(600_000) }));
  t.equal(response.status, 413);
  t.match(await json(response), { code: 'body-too-large' });

  response = await post(JSON.stringify({ hex: '00' }));
  t.equal(response.status, 400, 'undecodable bytes are a rule error');
  t.match(await json(response), { code: /./ });

  response = await fetch(`${url}/accounts/${encodeAddress('ralto', new Uint8Array(20).fill(7))}`);
  t.equal(response.status, 404);
  t.match(await json(response), { code: 'unknown-account' });

  response = await fetch(`${url}/accounts/alto1notanaddress`);
  t.equal(response.status, 400);
  t.match(await json(response), { code: 'bad-address' });

  response = await fetch(`${url}/blocks/${'ab'.repeat(32)}`);
  t.equal(response.status, 404);
  t.match(await json(response), { code: 'unknown-block' });

  response = await fetch(`${url}/txs/${'ab'.repeat(32)}`);
  t.equal(response.status, 404);
  t.match(await json(response), { code: 'unknown-tx' });

  response = await fetch(`${url}/blocks/height/99`);
  t.equal(response.status, 404);

  response = await fetch(`${url}/nowhere`);
  t.equal(response.status, 404);
  t.match(await json(response), { code: 'not-found' });
});

test('mining routes need the bearer token; a submitted block connects and a transfer confirms in a microblock', async (t) => {
  const { url, token, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const auth = { authorization: `Bearer ${token}` };
  t.equal((await fetch(`${url}/mining/template`)).status, 401);
  t.equal((await fetch(`${url}/mining/template`, { headers: { authorization: 'Bearer nope' } })).status, 401);
  const payout = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x42));
  const template = await json(await fetch(`${url}/mining/template?payout=${payout}`, { headers: auth }));
  t.match(template, { height: 1, prev: REGTEST.genesis.id, bits: '207fffff', payout });
  t.same((template as { candidates: unknown }).candidates, [], 'no key block waits on genesis');

  // The node's own key leads the block, so the node signs this epoch's microblocks.
  const block = mineKeyBlock({
    prev: Buffer.from(REGTEST.genesis.id, 'hex'),
    height: 1n,
    time: Math.floor(Date.now() / 1000),
    leaderKey: node.leader.leaderKey,
  });
  const submitted = await fetch(`${url}/mining/submit`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ hex: hex(encodeKeyBlock(block)) }),
  });
  t.match(await json(submitted), { accepted: true, reason: null, result: 'connected' });
  const again = await fetch(`${url}/mining/submit`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ hex: hex(encodeKeyBlock(block)) }),
  });
  t.match(await json(again), { accepted: false, reason: 'duplicate', result: 'duplicate' });

  const tx = transfer(new Uint8Array(20).fill(0x55), 10n ** 18n, { fee: FEE });
  const id = hex(txId(tx));
  // Wait for the leader's microblock through the chain's event, not a sleep.
  const included = new Promise<void>((resolve) => {
    node.chain.on('connected', (entry) => {
      if (entry.kind === 'micro') resolve();
    });
  });
  const accepted = await fetch(`${url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: hex(encodeTx(tx)),
  });
  t.match(await json(accepted), { id, status: 'pending' });
  await included;
  const status = await json(await fetch(`${url}/txs/${id}`));
  t.match(status, { id, status: 'confirmed', block: { keyHeight: 1, seq: 0 }, confirmations: 1 });
  t.match(status.tx, { type: 1, fee: FEE.toString(), payload: { amount: (10n ** 18n).toString() } });
  const epoch = (await json(await fetch(`${url}/blocks/height/1`))) as { microblocks: { txs: string[] }[] };
  t.same(epoch.microblocks[0]?.txs, [id]);
  const supply = await json(await fetch(`${url}/supply`));
  t.match(supply, {
    minted: (1_000_000n * 10n ** 18n).toString(),
    cap: (25_000_000n * 10n ** 18n).toString(),
  });
  const digest = await json(await fetch(`${url}/state/digest`));
  t.equal(digest.digest, hex(node.chain.digest()));
});

test("accounts: the next nonce counts the sender's pending transactions", async (t) => {
  // No key block yet, so no one leads and the transfers stay pending.
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (const nonce of [0n, 1n]) {
    const tx = transfer(new Uint8Array(20).fill(0x55), 1n, { fee: FEE, nonce });
    const response = await fetch(`${url}/txs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hex: hex(encodeTx(tx)) }),
    });
    t.equal(response.status, 200);
  }
  const account = await json(await fetch(`${url}/accounts/${encodeAddress(REGTEST.hrp, FAUCET_ACCOUNT)}`));
  t.match(account, { nonce: '0', nextNonce: '2', balance: (1_000_000n * 10n ** 18n).toString() });
  const pool = (await json(await fetch(`${url}/mempool`))) as { count: number; txs: { nonce: string }[] };
  t.equal(pool.count, 2);
  const rejected = await fetch(`${url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: hex(encodeTx(transfer(new Uint8Array(20), 1n, { fee: 1n, nonce: 2n }))) }),
  });
  t.equal(rejected.status, 400);
  t.match(await json(rejected), { code: 'min-relay-fee-not-met' });
});

test('GET /mempool pages: ?limit= and the cursor in `next` walk the whole pool by fee rate, highest first; a bad cursor is 400', async (t) => {
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  // Seven transfers with fees rising with the nonce: the pool lists them highest fee rate first.
  for (let nonce = 0n; nonce < 7n; nonce++) {
    node.mempool.add(
      transfer(new Uint8Array(20).fill(0x55), 1n, { fee: FEE * (nonce + 1n), nonce }),
      'local',
    );
  }
  const expected = [...node.mempool.entries()]
    .sort((a, b) => (a.tx.fee > b.tx.fee ? -1 : 1))
    .map((e) => e.idHex);
  const walked: string[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const page = (await json(
      await fetch(`${url}/mempool?limit=3${next === null ? '' : `&after=${next}`}`),
    )) as { count: number; next: string | null; txs: { id: string }[] };
    t.equal(page.count, 7);
    t.ok(page.txs.length <= 3);
    walked.push(...page.txs.map((tx) => tx.id));
    next = page.next;
    pages++;
  } while (next !== null && pages < 10);
  t.equal(pages, 3, '3 + 3 + 1');
  t.same(walked, expected);
  const bad = await fetch(`${url}/mempool?after=nonsense`);
  t.equal(bad.status, 400);
  t.match(await json(bad), { code: 'bad-request', field: 'after' });
});
