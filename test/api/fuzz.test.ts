// Whatever a client sends, the answer is a 2xx or a 4xx with `{code, message,
// field?}`, and the node's log gets no error line: an error line means our bug
// (STYLE.md rule 1), and a client that can cause one can fill the operator's log.
import fc from 'fast-check';
import { test } from 'tap';
import { createLogger } from '../../src/util/logger.js';
import { startTestNode } from '../helpers/node.js';

/** Requests per run; ALTOSTREAM_API_FUZZ_RUNS=20000 for a longer search (about 2 ms a request). */
const RUNS = Number(process.env.ALTOSTREAM_API_FUZZ_RUNS ?? 500);
const ERROR_LEVEL = 50;

/** Strings a parser might take for a number, an id or an address, and plain junk. */
const junk = fc.oneof(
  fc.constantFrom(
    'Infinity',
    '-Infinity',
    'NaN',
    '1e309',
    '1e3',
    '0x10',
    '-0',
    '-1',
    '00',
    ' ',
    '',
    '9007199254740992',
    '18446744073709551616',
    'null',
    'true',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    'ralto1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
    'ab'.repeat(32),
    'AB'.repeat(32),
    'block_connected,reorg',
  ),
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
  fc.double().map(String),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[0-9a-fA-F]{0,70}$/),
);

/** A value as it goes into a URL: encoded, or raw (percent signs and all) to reach the decoder's edge cases. */
const urlPart = fc.oneof(
  { weight: 4, arbitrary: junk.map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9%._~+-]{0,20}$/) },
);

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly queryNames: readonly string[];
}

/** Every operation of the OpenAPI document, so a route added later is fuzzed without editing this test. */
async function operations(url: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      queryNames: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
}

test('no request yields a 5xx or an error-level log line: path parameters, query strings and bodies of every route', async (t) => {
  const errorLines: string[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: {
      write(line: string): void {
        if ((JSON.parse(line) as { level: number }).level >= ERROR_LEVEL) errorLines.push(line);
      },
    },
  });
  const { url, token } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    {},
    logger,
  );
  const ops = await operations(url);
  t.ok(ops.length >= 13, `${ops.length} operations to fuzz`);

  const request = fc.record({
    op: fc.constantFrom(...ops),
    method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), {
      freq: 4,
      nil: undefined,
    }),
    segments: fc.array(urlPart, { minLength: 1, maxLength: 3 }),
    query: fc.array(fc.tuple(fc.oneof(urlPart, fc.constant('')), urlPart), { maxLength: 4 }),
    knownNames: fc.array(urlPart, { maxLength: 3 }),
    body: fc.option(
      fc.record({
        type: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'), {
          nil: undefined,
        }),
        text: fc.oneof(
          fc.json(),
          fc.string({ maxLength: 80 }),
          junk.map((s) => JSON.stringify({ hex: s })),
          // Bytes of a transaction's and a key block's (184) size reach the decoders and the chain.
          fc
            .oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 184, maxLength: 184 }))
            .map((bytes) => JSON.stringify({ hex: Buffer.from(bytes).toString('hex') })),
        ),
      }),
    ),
    authorized: fc.boolean(),
  });

  await fc.assert(
    fc.asyncProperty(request, async ({ op, method, segments, query, knownNames, body, authorized }) => {
      // Each case answers for its own lines, so a shrunk counterexample is the request that logged.
      errorLines.length = 0;
      let n = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => segments[n++ % segments.length] ?? '');
      const pairs = [
        ...knownNames.map((v, i) => [op.queryNames[i % Math.max(op.queryNames.length, 1)] ?? 'x', v]),
        ...query,
      ];
      const search = pairs.map(([k, v]) => `${k}=${v}`).join('&');
      const target = `${url}${path}${search === '' ? '' : `?${search}`}`;
      const verb = method ?? op.method;
      const headers: Record<string, string> = authorized ? { authorization: `Bearer ${token}` } : {};
      const sendsBody = body !== null && verb !== 'GET' && verb !== 'HEAD';
      if (sendsBody && body.type !== undefined) headers['content-type'] = body.type;
      const response = await fetch(target, {
        method: verb,
        headers,
        // fetch labels a string text/plain; bytes go without a content type, as the case asks.
        ...(sendsBody ? { body: body.type === undefined ? Buffer.from(body.text) : body.text } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      const label = `${verb} ${target}${sendsBody ? ` ${body.type ?? '(no type)'} ${body.text}` : ''} -> ${response.status}`;
      if (response.headers.get('content-type')?.startsWith('text/event-stream') === true) {
        await response.body?.cancel(); // an event stream never ends by itself
      } else if (response.status >= 400 && verb !== 'HEAD') {
        const answer = (await response.json()) as Record<string, unknown>;
        const keys = Object.keys(answer).filter((k) => !['code', 'message', 'field'].includes(k));
        if (typeof answer.code !== 'string' || typeof answer.message !== 'string' || keys.length > 0) {
          throw new Error(`${label}: not {code, message, field?}: ${JSON.stringify(answer)}`);
        }
      } else {
        await response.arrayBuffer();
      }
      if (response.status >= 500) throw new Error(label);
      if (errorLines.length > 0) throw new Error(`${label}: logged ${errorLines.join('')}`);
    }),
    { numRuns: RUNS },
  );
});
