// The API's rate limit per client address (docs/decisions.md 228–230): 429
// with Retry-After and `{ code, message }`, before the token check; loopback
// exempt unless included; 0 turns it off; an event stream counts once; and a
// client over its quota does not slow down another one.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { test } from 'tap';
import { DEFAULT_RATE_LIMIT } from '../../src/api/exposure.js';
import { builtApi, listeningApi } from './exposed-api.js';

test('over its quota a client gets 429 rate-limited with Retry-After, its token guesses and unknown paths too; another client is still served', async (t) => {
  const max = 5;
  const app = await builtApi(t, { rateLimit: { max } });
  const from = (remoteAddress: string, url = '/status', headers: Record<string, string> = {}) =>
    app.inject({ url, remoteAddress, headers });
  for (let i = 0; i < max; i++) t.equal((await from('192.0.2.1')).statusCode, 200, `request ${i + 1}`);
  const refused = await from('192.0.2.1');
  t.equal(refused.statusCode, 429);
  t.match(refused.json(), {
    code: 'rate-limited',
    message: /^more than 5 requests a minute.*retry in \d+ s/,
  });
  t.same(Object.keys(refused.json()).sort(), ['code', 'message'], 'the refusal shape');
  const retryAfter = String(refused.headers['retry-after']);
  t.match(retryAfter, /^[1-9][0-9]*$/, `Retry-After ${retryAfter} is a positive integer`);
  t.ok(Number(retryAfter) <= 60, 'within the minute');
  t.equal((await from('192.0.2.2')).statusCode, 200, 'another address has its own quota');

  // Token guesses count against the same quota, and the 429 comes before the 401.
  for (let i = 0; i < max; i++) {
    const guess = await from('192.0.2.3', '/mining/template', { authorization: `Bearer guess${i}` });
    t.equal(guess.statusCode, 401);
  }
  const throttled = await from('192.0.2.3', '/mining/template', { authorization: 'Bearer guess' });
  t.equal(throttled.statusCode, 429, 'the next guess is throttled, not checked');

  // Probing for routes counts too.
  for (let i = 0; i < max; i++) t.equal((await from('192.0.2.4', `/admin${i}`)).statusCode, 404);
  const probe = await from('192.0.2.4', '/admin');
  t.equal(probe.statusCode, 429, 'unknown paths share the quota');
  t.match(probe.json(), { code: 'rate-limited' });
});

test('loopback clients are exempt by default and counted when included; 0 turns the limit off, a negative or fractional limit is refused', async (t) => {
  const max = 3;
  const exempt = await builtApi(t, { rateLimit: { max } });
  for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
    const statuses = [];
    for (let i = 0; i < 2 * max; i++)
      statuses.push((await exempt.inject({ url: '/status', remoteAddress: address })).statusCode);
    t.same(new Set(statuses), new Set([200]), `${address}: ${2 * max} requests, all served`);
  }
  const counted = await builtApi(t, { rateLimit: { max, loopback: true } });
  const statuses = [];
  for (let i = 0; i < max + 1; i++)
    statuses.push((await counted.inject({ url: '/status', remoteAddress: '127.0.0.1' })).statusCode);
  t.same(statuses, [200, 200, 200, 429], 'included: loopback counts');

  const off = await builtApi(t, { rateLimit: { max: 0 } });
  for (let i = 0; i < DEFAULT_RATE_LIMIT / 100; i++) {
    const response = await off.inject({ url: '/status', remoteAddress: '192.0.2.9' });
    t.equal(response.headers['x-ratelimit-limit'], undefined);
  }
  t.equal(
    (await off.inject({ url: '/status', remoteAddress: '192.0.2.9' })).statusCode,
    200,
    'no limit at 0',
  );
  for (const max of [-1, 1.5, Number.NaN]) {
    await t.rejects(builtApi(t, { rateLimit: { max } }), { code: 'bad-flag', message: /--api-rate-limit/ });
  }
  const byDefault = await builtApi(t);
  const first = await byDefault.inject({ url: '/status', remoteAddress: '192.0.2.9' });
  t.equal(first.headers['x-ratelimit-limit'], String(DEFAULT_RATE_LIMIT), 'the default limit');
});

/** Client 2's p99 bound while client 1 floods (twice its p99 alone when the shared machine makes that larger). */
const MAX_P99_MS = 100;

function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? Infinity;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly ms: number;
}

/** GET over a keep-alive agent bound to `localAddress`. */
function get(port: number, path: string, agent: Agent, localAddress: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, localAddress }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('an event stream counts once, at connect', async (t) => {
  const max = 4;
  const { port } = await listeningApi(t, '127.0.0.1', { rateLimit: { max, loopback: true } });
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => {
    agent.destroy();
  });
  const opened = await new Promise<{ status: number; close: () => void }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/events', localAddress: '127.0.0.3' }, (res) => {
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on('error', () => undefined);
    req.on('error', reject);
    req.end();
  });
  t.teardown(opened.close);
  t.equal(opened.status, 200);
  const next = await get(port, '/status', agent, '127.0.0.3');
  t.equal(next.status, 200);
  t.equal(next.headers['x-ratelimit-remaining'], String(max - 2), 'the open stream is one request');
});

test('load: client 1 over its quota gets 429s while client 2 keeps its GET /status p99 under 100 ms', async (t) => {
  // Over quota within a second; enough samples of client 2 that p99 is not its single worst request.
  const max = 300;
  const { port } = await listeningApi(t, '127.0.0.1', { rateLimit: { max, loopback: true } });
  const agent1 = new Agent({ keepAlive: true, maxSockets: 2 });
  const agent2 = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => {
    agent1.destroy();
    agent2.destroy();
  });
  // Warm up client 2's connection and the route before measuring.
  t.equal((await get(port, '/status', agent2, '127.0.0.2')).status, 200);
  // The baseline: the same requests from a third address with no flood. On a quiet machine its p99 is a few
  // ms; on a shared one, stalls from other processes show in both, so the bound allows twice the baseline.
  const agent3 = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => {
    agent3.destroy();
  });
  const quiet: number[] = [];
  for (let i = 0; i < max - 1; i++) quiet.push((await get(port, '/status', agent3, '127.0.0.4')).ms);

  // Client 1 floods until client 2 is done (at most FLOOD requests and 20 s); client 2 starts at client 1's first 429.
  const FLOOD = 10_000;
  const deadline = Date.now() + 20_000;
  let sent = 0;
  let measured = false;
  let overQuota: () => void = () => undefined;
  const firstRefusal = new Promise<void>((resolve) => {
    overQuota = resolve;
  });
  const flood: Answer[] = [];
  const flooding = Promise.all(
    Array.from({ length: 2 }, async () => {
      while (!measured && sent < FLOOD && Date.now() < deadline) {
        sent++;
        const answer = await get(port, '/status', agent1, '127.0.0.1');
        flood.push(answer);
        if (answer.status === 429) overQuota();
      }
      overQuota(); // the cap or the deadline came first: the assertions below say so
    }),
  );
  await firstRefusal;
  const refusedBefore = flood.filter((a) => a.status === 429).length;
  const latencies: number[] = [];
  let served = 0;
  // Client 2 stays within its quota (max - 1 after the warm-up).
  while (latencies.length < max - 1 && Date.now() < deadline) {
    const answer = await get(port, '/status', agent2, '127.0.0.2');
    latencies.push(answer.ms);
    if (answer.status === 200) served++;
  }
  measured = true;
  await flooding;
  const refusedDuring = flood.filter((a) => a.status === 429).length - refusedBefore;
  t.ok(
    refusedDuring >= latencies.length,
    `client 1 was refused ${refusedDuring} times while client 2 was measured`,
  );

  const refused = flood.filter((a) => a.status === 429);
  t.equal(flood.length - refused.length, max, `client 1: ${max} served of ${flood.length}`);
  t.ok(refused.length > 0, `client 1: ${refused.length} refused`);
  for (const a of refused.slice(0, 5)) t.match(String(a.headers['retry-after']), /^[1-9][0-9]*$/);
  t.equal(served, latencies.length, `client 2: all ${served} served`);
  const p99 = percentile(latencies, 0.99);
  const baseline = percentile(quiet, 0.99);
  t.comment(
    `client 1: ${flood.length} requests, ${refused.length} 429; client 2: ${latencies.length} requests, ` +
      `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; alone: p99 ${baseline.toFixed(1)} ms`,
  );
  t.ok(latencies.length >= 200, `${latencies.length} samples of client 2`);
  const bound = Math.max(MAX_P99_MS, 2 * baseline);
  t.ok(p99 < bound, `client 2's p99 ${p99.toFixed(1)} ms < ${bound.toFixed(1)} ms`);
});
