// An API safe to expose (docs/decisions.md 227–234): the token routes, CORS,
// the warning when bound beyond loopback, and the limits on every input.
import { test } from 'tap';
import { requireLimits, unboundedFields } from '../../src/api/exposure.js';
import { SUBMIT_BODY_LIMIT } from '../../src/api/routes/mining.js';
import { PEER_BODY_LIMIT } from '../../src/api/routes/peers.js';
import { TX_BODY_LIMIT } from '../../src/api/routes/txs.js';
import { buildApi } from '../../src/api/server.js';
import { encodeTx } from '../../src/protocol/tx.js';
import { captureLog, LEVEL } from '../helpers/log-capture.js';
import { startTestNode } from '../helpers/node.js';
import { transfer } from '../helpers/txs.js';
import { builtApi, exposedModules, listeningApi, newCalls, TOKEN } from './exposed-api.js';

interface Operation {
  parameters?: { in: string; name: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  security?: unknown[];
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

function operations(doc: OpenApi): { name: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
}

/** Every route that changes the node, how to call it, and what it answers once the token lets it run. */
const TOKEN_ROUTES = [
  // No payout on this node and none asked: the handler ran and said so.
  { name: 'GET /mining/template', method: 'GET', url: '/mining/template', ran: 400, calls: 'template' },
  {
    name: 'POST /mining/submit',
    method: 'POST',
    url: '/mining/submit',
    payload: { hex: '00'.repeat(184) },
    ran: 200,
    calls: 'submit',
  },
  {
    name: 'POST /peers',
    method: 'POST',
    url: '/peers',
    payload: { address: '/ip4/192.0.2.1/tcp/27370/p2p/12D3KooW' },
    ran: 200,
    calls: 'connect',
  },
] as const;

test('token routes: 401 without the bearer token or with a wrong one, the handler runs with it; the OpenAPI document marks exactly these', async (t) => {
  const calls = newCalls();
  const app = await buildApi(exposedModules(t, calls));
  t.teardown(() => app.close());
  const doc = (await app.inject({ url: '/openapi.json' })).json<OpenApi>();
  const secured = operations(doc)
    .filter(({ op }) => (op.security ?? []).length > 0)
    .map(({ name, op }) => {
      t.same(op.security, [{ bearer: [] }], `${name}: the bearer scheme`);
      return name;
    });
  t.same(secured.sort(), TOKEN_ROUTES.map((r) => r.name).sort(), 'the token routes, and no others');

  for (const route of TOKEN_ROUTES) {
    const ask = (authorization?: string) =>
      app.inject({
        method: route.method,
        url: route.url,
        ...('payload' in route ? { payload: route.payload } : {}),
        headers: authorization === undefined ? {} : { authorization },
      });
    for (const wrong of [undefined, 'Bearer nope', `Bearer ${TOKEN}x`, TOKEN, `Basic ${TOKEN}`]) {
      const refused = await ask(wrong);
      t.equal(refused.statusCode, 401, `${route.name} with ${wrong ?? 'no header'}: 401`);
      t.match(refused.json(), { code: 'unauthorized', message: /api-token/ });
    }
    const before = route.calls === 'connect' ? calls.connect.length : calls[route.calls];
    const ran = await ask(`Bearer ${TOKEN}`);
    t.equal(ran.statusCode, route.ran, `${route.name} with the token: ${route.ran}`);
    const after = route.calls === 'connect' ? calls.connect.length : calls[route.calls];
    t.equal(after, before + 1, `${route.name}: the handler ran once, only with the token`);
  }
});

test('POST /txs is open: a signed transaction carries its own authorization', async (t) => {
  const app = await builtApi(t);
  const tx = encodeTx(transfer(new Uint8Array(20).fill(0x55), 10n ** 18n, { fee: 10n ** 11n * 200n }));
  const response = await app.inject({
    method: 'POST',
    url: '/txs',
    headers: { 'content-type': 'text/plain' },
    payload: Buffer.from(tx).toString('hex'),
  });
  t.equal(response.statusCode, 200, response.body);
  t.match(response.json(), { status: 'pending' });
});

test('CORS is off unless configured: no Access-Control-Allow-Origin by default; a configured origin gets it, another does not', async (t) => {
  const origin = 'https://explorer.example';
  const other = 'https://evil.example';
  const off = await builtApi(t);
  let response = await off.inject({ url: '/status', headers: { origin } });
  t.equal(response.statusCode, 200);
  t.notOk(
    Object.keys(response.headers).some((h) => h.startsWith('access-control-')),
    'no CORS header at all',
  );
  response = await off.inject({
    method: 'OPTIONS',
    url: '/txs',
    headers: { origin, 'access-control-request-method': 'POST' },
  });
  t.equal(response.headers['access-control-allow-origin'], undefined, 'no preflight answer');

  const on = await builtApi(t, { cors: [origin] });
  response = await on.inject({ url: '/status', headers: { origin } });
  t.equal(response.headers['access-control-allow-origin'], origin, 'the configured origin');
  response = await on.inject({ url: '/status', headers: { origin: other } });
  t.equal(response.statusCode, 200);
  t.equal(response.headers['access-control-allow-origin'], undefined, 'another origin gets none');
  response = await on.inject({
    method: 'OPTIONS',
    url: '/txs',
    headers: { origin, 'access-control-request-method': 'POST' },
  });
  t.equal(response.statusCode, 204, 'the preflight of the configured origin');
  t.equal(response.headers['access-control-allow-origin'], origin);
  t.match(String(response.headers['access-control-allow-methods']), /POST/);

  const any = await builtApi(t, { cors: ['*'] });
  response = await any.inject({ url: '/status', headers: { origin: other } });
  t.equal(response.headers['access-control-allow-origin'], '*', '`*` allows any origin');

  // The preflight route is the plugin's: it is not in the OpenAPI document.
  const doc = (await on.inject({ url: '/openapi.json' })).json<OpenApi>();
  t.notOk(
    operations(doc).some(({ name }) => name.startsWith('OPTIONS')),
    'no OPTIONS route in the document',
  );
});

test('a warning when the API is bound beyond loopback: what is exposed, the token, the rate limit', async (t) => {
  const exposed = captureLog('info');
  await listeningApi(t, '0.0.0.0', { logger: exposed.logger, rateLimit: { max: 321 } });
  const warnings = exposed.records.filter((r) => r.level === LEVEL.warn);
  t.equal(warnings.length, 1, 'one warning');
  t.match(warnings[0], {
    host: '0.0.0.0',
    rateLimit: 321,
    msg: /beyond this machine.*read route.*bearer token in <datadir>\/api-token.*321 requests a minute/,
  });

  const local = captureLog('info');
  await listeningApi(t, '127.0.0.1', { logger: local.logger });
  t.equal(local.records.filter((r) => r.level === LEVEL.warn).length, 0, 'none on 127.0.0.1');
});

/** The bounds every request input needs, read from the OpenAPI document, independently of exposure.ts. */
function unbounded(schema: unknown, path: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const types = ([] as unknown[]).concat(s.type);
  const out: string[] = [];
  const fixed = 'enum' in s || 'const' in s;
  if (types.includes('string') && !fixed && typeof s.maxLength !== 'number') out.push(`${path}: string`);
  if (types.includes('integer') && (typeof s.minimum !== 'number' || typeof s.maximum !== 'number'))
    out.push(`${path}: integer`);
  if (types.includes('array') && typeof s.maxItems !== 'number') out.push(`${path}: array`);
  for (const [key, value] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
    out.push(...unbounded(value, `${path}.${key}`));
  if (s.items !== undefined) out.push(...unbounded(s.items, `${path}[]`));
  return out;
}

/** Each route with a body and the limit it names. */
const BODY_LIMITS: Record<string, number> = {
  'POST /txs': TX_BODY_LIMIT,
  'POST /mining/submit': SUBMIT_BODY_LIMIT,
  'POST /peers': PEER_BODY_LIMIT,
};

test('every route bounds its inputs: strings, integers and arrays in the OpenAPI document, and each body route its own bodyLimit', async (t) => {
  const app = await builtApi(t);
  const doc = (await app.inject({ url: '/openapi.json' })).json<OpenApi>();
  const ops = operations(doc);
  t.ok(ops.length >= 25, `${ops.length} operations`);
  for (const { name, op } of ops) {
    const found = [
      ...(op.parameters ?? []).flatMap((p) => unbounded(p.schema, `${p.in}.${p.name}`)),
      ...Object.entries(op.requestBody?.content ?? {}).flatMap(([type, media]) =>
        unbounded(media.schema, `body(${type})`),
      ),
    ];
    t.same(found, [], `${name}: every input bounded`);
  }

  // A byte over a route's limit is 413 naming that limit, before the token is asked for; at the limit it is read.
  const bodyRoutes = ops.filter(({ op }) => op.requestBody !== undefined).map(({ name }) => name);
  t.same(bodyRoutes.sort(), Object.keys(BODY_LIMITS).sort(), 'every body route has its limit here');
  t.ok(TX_BODY_LIMIT >= 2 * 200_000 + '{"hex":""}'.length, 'POST /txs takes the largest transaction as JSON');
  for (const [name, limit] of Object.entries(BODY_LIMITS)) {
    const url = name.split(' ')[1] ?? '';
    const body = (size: number): string => `{"hex":"${'0'.repeat(size - 10)}"}`;
    const over = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: body(limit + 1),
    });
    t.equal(over.statusCode, 413, `${name}: ${limit + 1} bytes is 413`);
    t.match(over.json(), { code: 'body-too-large', message: new RegExp(`limited to ${limit} bytes`) });
    const at = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      payload: body(limit),
    });
    t.not(at.statusCode, 413, `${name}: ${limit} bytes is read (${at.statusCode})`);
  }
});

test('a route with an unbounded input or a body route without its own bodyLimit cannot be registered', async (t) => {
  const handler = (): string => 'x';
  const response = { 200: { type: 'string' } };
  t.throws(() => {
    requireLimits({ method: 'POST', url: '/x', handler, schema: { body: { type: 'object' }, response } });
  }, /POST \/x must declare its bodyLimit/);
  const cases: [string, unknown][] = [
    ['string', { type: 'string' }],
    ['integer', { type: 'integer', minimum: 0 }],
    ['array', { type: 'array', items: { type: 'string', maxLength: 3 } }],
    ['nested string', { type: 'array', maxItems: 2, items: { type: 'string' } }],
  ];
  for (const [what, property] of cases) {
    const querystring = { type: 'object', properties: { q: property } };
    t.throws(
      () => {
        requireLimits({ method: 'GET', url: '/y', handler, schema: { querystring, response } });
      },
      /GET \/y: querystring\.q.* must be bounded/,
      `an unbounded ${what} is refused`,
    );
  }
  t.same(
    unboundedFields(
      {
        type: 'object',
        properties: { a: { type: 'string', enum: ['x'] }, n: { type: 'integer', minimum: 0, maximum: 9 } },
      },
      'q',
    ),
    [],
    'an enum and a bounded integer pass',
  );
});

test('the node passes apiRateLimit, apiRateLimitLoopback and apiCors to the API', async (t) => {
  const origin = 'https://app.example';
  const { url } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { apiRateLimit: 2, apiRateLimitLoopback: true, apiCors: [origin] },
  );
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${url}/status`, { headers: { origin } });
    statuses.push(response.status);
    if (i === 0) t.equal(response.headers.get('access-control-allow-origin'), origin, 'CORS for the origin');
    await response.arrayBuffer();
  }
  t.same(statuses, [200, 200, 429], 'two a minute, loopback counted');
});
