import { test } from 'tap';
import { BadRequestError } from '../../src/api/errors.js';
import { MAX_URL_INTEGER, parseUrlInteger } from '../../src/api/params.js';
import { startTestNode } from '../helpers/node.js';

/** What JavaScript's Number() (and so ajv's coercion) reads as a number, but a URL integer is not. */
const NOT_DECIMAL = [
  'Infinity',
  '-Infinity',
  '1e309',
  '1e3',
  '0x10',
  '0b1',
  '0o7',
  ' ',
  ' 1',
  '1 ',
  '-0',
  '-1',
  '+1',
  '1.0',
  '1.5',
  '.5',
  '00',
  '007',
  '',
  'NaN',
  '١', // an Arabic-Indic digit: a digit, but not ASCII
];
/** 2^53, 2^64 and more: past what a JSON number carries exactly. */
const TOO_BIG = ['9007199254740992', '18446744073709551616', '9'.repeat(80)];

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** The body of a refusal; an answer that is not one (an event stream never ends) is cancelled. */
async function refusal(response: Response): Promise<Record<string, unknown>> {
  if (response.status < 400) {
    await response.body?.cancel();
    return {};
  }
  return json(response);
}

test('bad-integer: parseUrlInteger reads decimal digits without leading zeros, up to 2^53 - 1', async (t) => {
  t.equal(parseUrlInteger('0', 'height'), 0);
  t.equal(parseUrlInteger('10', 'height'), 10);
  t.equal(parseUrlInteger(String(Number.MAX_SAFE_INTEGER), 'height'), Number.MAX_SAFE_INTEGER);
  t.equal(MAX_URL_INTEGER, Number.MAX_SAFE_INTEGER);
  for (const raw of [...NOT_DECIMAL, ...TOO_BIG]) {
    let thrown: unknown;
    try {
      parseUrlInteger(raw, 'from');
    } catch (error) {
      thrown = error;
    }
    t.ok(thrown instanceof BadRequestError, JSON.stringify(raw));
    t.match(thrown, { code: 'bad-integer', field: 'from' }, JSON.stringify(raw));
  }
});

test('bad-integer: GET /blocks/height/:height answers only decimal digits, naming the field', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (const raw of [...NOT_DECIMAL.filter((r) => r !== ''), ...TOO_BIG]) {
    const response = await fetch(`${url}/blocks/height/${encodeURIComponent(raw)}`);
    t.equal(response.status, 400, JSON.stringify(raw));
    t.match(await refusal(response), { code: 'bad-integer', field: 'height' }, JSON.stringify(raw));
  }
  const genesis = await fetch(`${url}/blocks/height/0`);
  t.equal(genesis.status, 200);
  t.match(await json(genesis), { height: 0 });
  const highest = await fetch(`${url}/blocks/height/${Number.MAX_SAFE_INTEGER}`);
  t.equal(highest.status, 404, 'the largest height the API serves is a height like any other');
  t.match(await json(highest), { code: 'unknown-block' });
});

test('bad-integer: GET /events?from= and GET /mempool?limit= take decimal digits only', async (t) => {
  const { url } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (const raw of [...NOT_DECIMAL, ...TOO_BIG]) {
    const events = await fetch(`${url}/events?from=${encodeURIComponent(raw)}`);
    t.equal(events.status, 400, `from=${JSON.stringify(raw)}`);
    t.match(await refusal(events), { code: 'bad-integer', field: 'from' });
    const mempool = await fetch(`${url}/mempool?limit=${encodeURIComponent(raw)}`);
    t.equal(mempool.status, 400, `limit=${JSON.stringify(raw)}`);
    t.match(await refusal(mempool), { code: 'bad-integer', field: 'limit' });
  }
  const twice = await fetch(`${url}/mempool?limit=5&limit=6`);
  t.equal(twice.status, 400, 'a parameter given twice is not an integer');
  t.match(await json(twice), { code: 'bad-integer', field: 'limit' });
  const limited = await fetch(`${url}/mempool?limit=5`);
  t.equal(limited.status, 200);
});
