// GET /rewards/:address: a known history as exact JSON, paging that neither
// skips nor repeats while a block arrives between pages, `matured` flipping at
// maturity, and the 400s. REGTEST: REWARD_MATURITY 2, bootstrap activation.
//
//   g ── k1 ── m1 (a transfer paying FEE) ── k2 ── k3 ── (k4, between two pages)
//   every key block pays P; KeyConnect(2) gives P 40% of epoch 1's fees (kind 2, as K_1's leader)
//   and 60% (kind 3, as K_2's); each key block gives P its miner share (kind 1, 3 ALTO)
import type { FastifyInstance } from 'fastify';
import { test, type Test } from 'tap';
import type { RewardsBody } from '../../src/api-schema/responses.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 10n ** 15n;
const P_BYTE = 0x50;
const P = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(P_BYTE));

async function get(app: FastifyInstance, url: string): Promise<{ status: number; body: RewardsBody }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json<RewardsBody>() };
}

async function refusal(app: FastifyInstance, url: string): Promise<{ status: number; code: string }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, code: response.json<{ code: string }>().code };
}

const places = (body: RewardsBody): string[] => body.rewards.map((r) => `${r.sourceHeight}-${r.kind}`);

function knownChain(t: Test): ChainHarness {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('k1', 'g', P_BYTE);
  h.micro('m1', 'k1', [transfer(new Uint8Array(20).fill(7), ALTO, { nonce: 0n, fee: FEE })]);
  h.key('k2', 'm1', P_BYTE);
  h.key('k3', 'k2', P_BYTE);
  return h;
}

const record = (kind: number, kindName: string, sourceHeight: number, amount: bigint, tip: number) => ({
  kind,
  kindName,
  sourceHeight,
  maturity: sourceHeight + 2,
  amount: amount.toString(),
  matured: sourceHeight + 2 <= tip,
});

test('GET /rewards/:address lists every credit newest first, with kinds, maturity and totals for the address', async (t) => {
  const h = knownChain(t);
  const app = await apiOnHarness(t, h);
  const { status, body } = await get(app, `/rewards/${P}`);
  t.equal(status, 200);
  t.same(body, {
    address: P,
    height: 3,
    completeFrom: 0,
    totals: {
      credited: (9n * ALTO + FEE).toString(),
      pending: (6n * ALTO + FEE).toString(),
      matured: (3n * ALTO).toString(),
    },
    rewards: [
      record(1, 'miner', 3, 3n * ALTO, 3),
      record(3, 'next-leader-fee', 2, (FEE * 6n) / 10n, 3),
      record(2, 'leader-fee', 2, (FEE * 4n) / 10n, 3),
      record(1, 'miner', 2, 3n * ALTO, 3),
      record(1, 'miner', 1, 3n * ALTO, 3),
    ],
    next: null,
  });
  const none = await get(app, `/rewards/${encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(1))}`);
  t.equal(none.status, 200, 'an address never credited has an empty history, not a 404');
  t.same(none.body.rewards, []);
  t.same(none.body.totals, { credited: '0', pending: '0', matured: '0' });
});

test('paging with limit and before neither skips nor repeats while a block arrives between pages', async (t) => {
  const h = knownChain(t);
  const app = await apiOnHarness(t, h);
  const all = places((await get(app, `/rewards/${P}`)).body);
  const first = await get(app, `/rewards/${P}?limit=2`);
  t.same(places(first.body), ['3-1', '2-3']);
  t.equal(first.body.next, '2-3');
  t.notOk(first.body.rewards[1]?.matured, 'source 2 matures at 4: pending at tip 3');
  // A block arrives between two pages: it adds the newest record, in front of the first page.
  h.key('k4', 'k3', P_BYTE);
  const second = await get(app, `/rewards/${P}?limit=2&before=${first.body.next}`);
  t.same(places(second.body), ['2-2', '2-1']);
  t.ok(
    second.body.rewards.every((r) => r.matured),
    'matured flipped at maturity 4, when k4 connected',
  );
  const third = await get(app, `/rewards/${P}?limit=2&before=${second.body.next}`);
  t.same(places(third.body), ['1-1']);
  t.equal(third.body.next, null, 'the last page');
  t.same(
    [...places(first.body), ...places(second.body), ...places(third.body)],
    all,
    'the pages are the history as it was, in order',
  );
  const fresh = await get(app, `/rewards/${P}?limit=1`);
  t.equal(fresh.body.rewards[0]?.sourceHeight, 4, "a new first page starts with k4's credit");
  const byHeight = await get(app, `/rewards/${P}?before=2`);
  t.same(
    byHeight.body.rewards.map((r) => r.sourceHeight),
    [1],
    '?before=<height>: source heights below it',
  );
});

test('bad-address and bad-cursor are 400s; limit is 1…1000', async (t) => {
  const h = knownChain(t);
  const app = await apiOnHarness(t, h);
  const cases: [string, string][] = [
    ['/rewards/alto1notanaddress', 'bad-address'],
    [`/rewards/${P.toUpperCase().slice(0, 10)}${P.slice(10)}`, 'bad-address'],
    [`/rewards/${P}?before=abc`, 'bad-cursor'],
    [`/rewards/${P}?before=3-256`, 'bad-cursor'],
    [`/rewards/${P}?before=-1`, 'bad-cursor'],
    [`/rewards/${P}?before=01`, 'bad-cursor'],
    [`/rewards/${P}?before=18446744073709551616`, 'bad-cursor'],
  ];
  for (const [url, code] of cases) {
    t.same(await refusal(app, url), { status: 400, code }, url);
  }
  t.equal((await get(app, `/rewards/${P}?limit=0`)).status, 400, 'limit 0');
  t.equal((await get(app, `/rewards/${P}?limit=1001`)).status, 400, 'limit over 1000');
  t.equal((await get(app, `/rewards/${P}?limit=1000`)).status, 200, 'limit 1000');
});
