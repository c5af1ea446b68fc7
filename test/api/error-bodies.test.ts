// Every refusal has the README's shape `{code, message, field?}`, including the
// ones fastify and Node's HTTP parser give before a route runs, and none echoes
// the URL or the body back.
import { connect } from 'node:net';
import { test, type Test } from 'tap';
import { startTestNode } from '../helpers/node.js';

/** A marker put in URLs and bodies: no error message may contain it. */
const SECRET = 'zz-secret-zz';

function checkShape(t: Test, body: unknown, label: string): void {
  t.type(body, 'object', label);
  const record = body as Record<string, unknown>;
  t.type(record.code, 'string', `${label}: code`);
  t.type(record.message, 'string', `${label}: message`);
  t.same(
    Object.keys(record).filter((k) => !['code', 'message', 'field'].includes(k)),
    [],
    `${label}: nothing but code, message, field`,
  );
  t.notMatch(JSON.stringify(body), SECRET, `${label}: the request is not echoed`);
}

/** One raw HTTP exchange: fetch cannot send what Node's parser refuses. */
function rawRequest(url: string, head: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [status, ...rest] = answer.split('\r\n\r\n');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(status ?? '');
      resolve({ status: Number(match?.[1] ?? 0), body: JSON.parse(rest.join('\r\n\r\n')) as unknown });
    });
  });
}

test('not-found: an unknown route is 404 `not-found` without echoing the URL', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const response = await fetch(`${url}/${SECRET}?token=${SECRET}`);
  t.equal(response.status, 404);
  const body: unknown = await response.json();
  checkShape(t, body, '404');
  t.match(body, { code: 'not-found' });
});

test('method-not-allowed: a known path with another method is 405 with Allow', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (const [method, path, allow] of [
    ['POST', '/status', 'GET, HEAD'],
    ['DELETE', `/blocks/${'ab'.repeat(32)}`, 'GET, HEAD'],
    ['PUT', '/txs', 'POST'],
    ['GET', '/mining/submit', 'POST'],
    ['PATCH', '/peers', 'GET, HEAD, POST'],
  ] as const) {
    const response = await fetch(`${url}${path}`, { method });
    t.equal(response.status, 405, `${method} ${path}`);
    t.equal(response.headers.get('allow'), allow, `${method} ${path}: Allow`);
    const body: unknown = await response.json();
    checkShape(t, body, `${method} ${path}`);
    t.match(body, { code: 'method-not-allowed' });
  }
});

test('bad-json, body-too-large, unsupported-media-type: body refusals keep the shape and quote nothing', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const post = (type: string, body: string): Promise<Response> =>
    fetch(`${url}/txs`, { method: 'POST', headers: { 'content-type': type }, body });

  // Node's JSON.parse quotes the text around the error in its message.
  let response = await post('application/json', `{"hex": ${SECRET}}`);
  t.equal(response.status, 400);
  let body: unknown = await response.json();
  checkShape(t, body, 'bad JSON');
  t.match(body, { code: 'bad-json' });

  response = await post('text/plain', SECRET.repeat(100_000));
  t.equal(response.status, 413);
  body = await response.json();
  checkShape(t, body, '413');
  t.match(body, { code: 'body-too-large' });

  for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; b=x']) {
    response = await post(type, `<hex>${SECRET}</hex>`);
    t.equal(response.status, 415, type);
    body = await response.json();
    checkShape(t, body, type);
    t.match(body, { code: 'unsupported-media-type', message: /application\/json.*text\/plain/ });
  }
});

test('bad-url and uri-too-long: a malformed or oversized path segment is 400 or 414 without echoing it', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  let response = await fetch(`${url}/blocks/${SECRET}%zz`);
  t.equal(response.status, 400);
  let body: unknown = await response.json();
  checkShape(t, body, 'bad URL');
  t.match(body, { code: 'bad-url' });

  response = await fetch(`${url}/accounts/${SECRET.repeat(20)}`);
  t.equal(response.status, 414);
  body = await response.json();
  checkShape(t, body, '414');
  t.match(body, { code: 'uri-too-long' });
});

test('headers-too-large and bad-http: what Node refuses before fastify is answered in the same shape', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  let answer = await rawRequest(url, `GET /status?${SECRET.repeat(2000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.equal(answer.status, 431);
  checkShape(t, answer.body, '431');
  t.match(answer.body, { code: 'headers-too-large' });

  answer = await rawRequest(url, `${SECRET} / HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.equal(answer.status, 400);
  checkShape(t, answer.body, 'unparsable request');
  t.match(answer.body, { code: 'bad-http' });
});

test('method-not-allowed: HEAD of an event stream is 405 at once, not headers that never come', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  // A stream's headers go out with its first event, which a HEAD response never carries: without
  // the refusal this request waits until the signal gives up.
  const response = await fetch(`${url}/events?from=0`, {
    method: 'HEAD',
    signal: AbortSignal.timeout(5_000),
  });
  t.equal(response.status, 405);
  t.equal(response.headers.get('allow'), 'GET');
  const post = await fetch(`${url}/events`, { method: 'POST' });
  t.equal(post.status, 405);
  t.equal(post.headers.get('allow'), 'GET', 'a wrong method is not told to try HEAD');
  const status = await fetch(`${url}/status`, { method: 'HEAD' });
  t.equal(status.status, 200, 'HEAD of other routes is served as before');
});
