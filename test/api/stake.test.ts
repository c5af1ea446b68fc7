// GET /validators, GET /stakes/:address and the activation of key blocks in
// GET /blocks, against chains whose stake was bonded through transactions.
//
// Bootstrap regime (REGTEST):
//   g ── a ── a1 (faucet funds V, P, I) ── b ── b1 (V, P, I stake) ── c ── c1 (V unstakes 1 ALTO)
//
// Endorsed regime (BOOTSTRAP_MIN_VALIDATOR_STAKE = 1, the faucet the only validator):
//   g ── a ── a1 (faucet stakes 10 ALTO) ── B ── B0 (M_{h,0}: slots 0, 2, 4) ── B1 ── C (candidate)
import type { FastifyInstance } from 'fastify';
import { test, type Test } from 'tap';
import { MAX_NEW_DRAWS } from '../../src/api/routes/stake.js';
import { sha256 } from '../../src/crypto/hash.js';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { accountId, encodeAddress } from '../../src/protocol/address.js';
import { endorsementSigningMessage } from '../../src/protocol/endorsement.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { startTestNode } from '../helpers/node.js';
import { buildMicroblock } from '../helpers/blocks.js';
import { FAUCET_ACCOUNT, FAUCET_SEED, signedTx, transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 10n ** 15n;
const ENDORSED: NetworkParams = { ...REGTEST, poa: { ...REGTEST.poa, bootstrapMinValidatorStake: 1n } };

const seedOf = (tag: string): Uint8Array => sha256(new TextEncoder().encode(`stake api ${tag}`));
const V = seedOf('validator');
const P = seedOf('app');
const I = seedOf('infrastructure');
const SERVICE_KEY = getPublicKey(seedOf('service'));
const idOf = (seed: Uint8Array): Uint8Array => accountId(getPublicKey(seed));
const addr = (account: Uint8Array): string => encodeAddress(REGTEST.hrp, account);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** A fresh validator bond's last_endorsed: the time of the key block of the epoch that bonded it (b). */
const stakedAt = (h: ChainHarness): number => h.entry('b').epochKey.block.header.time;

async function get(app: FastifyInstance, url: string): Promise<{ status: number; body: unknown }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

function bootstrapChain(t: Test): ChainHarness {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('a', 'g');
  h.micro('a1', 'a', [
    transfer(idOf(V), 10n * ALTO, { nonce: 0n, fee: FEE }),
    transfer(idOf(P), 10n * ALTO, { nonce: 1n, fee: FEE }),
    transfer(idOf(I), 10n * ALTO, { nonce: 2n, fee: FEE }),
  ]);
  h.key('b', 'a1');
  t.equal(
    h.micro('b1', 'b', [
      signedTx({ seed: V, fee: FEE, payload: { type: 6, role: 1, amount: 3n * ALTO } }),
      signedTx({
        seed: P,
        fee: FEE,
        payload: { type: 6, role: 2, amount: 2n * ALTO, app: { name: 'tunes', serviceKey: SERVICE_KEY } },
      }),
      signedTx({ seed: I, fee: FEE, payload: { type: 6, role: 3, amount: ALTO } }),
    ]),
    'connected',
  );
  h.key('c', 'b1');
  t.equal(
    h.micro('c1', 'c', [
      signedTx({ seed: V, nonce: 1n, fee: FEE, payload: { type: 7, role: 1, amount: ALTO } }),
    ]),
    'connected',
  );
  return h;
}

test('GET /stakes/:address: bonds per role with weights, unbonding with its release height, the app record', async (t) => {
  const h = bootstrapChain(t);
  const app = await apiOnHarness(t, h, REGTEST);
  t.same(await get(app, `/stakes/${addr(idOf(V))}`), {
    status: 200,
    body: {
      address: addr(idOf(V)),
      bonds: [
        {
          role: 'validator',
          bonded: (2n * ALTO).toString(),
          weight: (2n * ALTO).toString(),
          minStake: ALTO.toString(),
          lastEndorsed: stakedAt(h),
        },
      ],
      // Unstaked in epoch 3 (c): released at 3 + UNBONDING_PERIOD (5).
      unbonding: [{ role: 'validator', amount: ALTO.toString(), releaseHeight: 8 }],
      app: null,
    },
  });
  t.same(await get(app, `/stakes/${addr(idOf(P))}`), {
    status: 200,
    body: {
      address: addr(idOf(P)),
      bonds: [
        {
          role: 'app',
          bonded: (2n * ALTO).toString(),
          weight: (2n * ALTO).toString(),
          minStake: ALTO.toString(),
        },
      ],
      unbonding: [],
      app: { name: 'tunes', serviceKey: hex(SERVICE_KEY) },
    },
  });
  t.same(
    (await get(app, `/stakes/${addr(idOf(I))}`)).body,
    {
      address: addr(idOf(I)),
      bonds: [
        {
          role: 'infrastructure',
          bonded: ALTO.toString(),
          weight: ALTO.toString(),
          minStake: ALTO.toString(),
        },
      ],
      unbonding: [],
      app: null,
    },
    'exactly at the minimum: full weight',
  );
  const nobody = await get(app, `/stakes/${addr(new Uint8Array(20).fill(7))}`);
  t.equal(nobody.status, 404);
  t.match(nobody.body, { code: 'unknown-account' });
  const bad = await get(app, `/stakes/${addr(idOf(V)).slice(0, -1)}x`);
  t.equal(bad.status, 400);
  t.match(bad.body, { code: 'bad-address' });
  const wrongNet = await get(app, `/stakes/${encodeAddress('alto', idOf(V))}`);
  t.equal(wrongNet.status, 400);
  t.match(wrongNet.body, { code: 'bad-address' });

  // The minimum raised above the bonds (as governance may, §8.3): the same bonds weigh 0.
  const raised = await apiOnHarness(t, h, {
    ...REGTEST,
    minStake: { validator: 3n * ALTO, app: 3n * ALTO, infrastructure: 2n * ALTO },
  });
  t.same((await get(raised, `/stakes/${addr(idOf(I))}`)).body, {
    address: addr(idOf(I)),
    bonds: [
      { role: 'infrastructure', bonded: ALTO.toString(), weight: '0', minStake: (2n * ALTO).toString() },
    ],
    unbonding: [],
    app: null,
  });
});

test('GET /validators: every validator bond, weights against the minimum, T, and the next key block bootstraps', async (t) => {
  const h = bootstrapChain(t);
  const app = await apiOnHarness(t, h, REGTEST);
  t.same(await get(app, '/validators'), {
    status: 200,
    body: {
      height: 3,
      period: { start: 1, end: 10, uncounted: 0 },
      minStake: ALTO.toString(),
      total: (2n * ALTO).toString(),
      bootstrapMinStake: REGTEST.poa.bootstrapMinValidatorStake.toString(),
      nextBootstraps: true,
      validators: [
        {
          address: addr(idOf(V)),
          bonded: (2n * ALTO).toString(),
          weight: (2n * ALTO).toString(),
          lastEndorsed: stakedAt(h),
          slotsWon: 0,
          slotsIncluded: 0,
        },
      ],
    },
  });
  const raised = await apiOnHarness(t, h, {
    ...REGTEST,
    minStake: { ...REGTEST.minStake, validator: 3n * ALTO },
  });
  t.match((await get(raised, '/validators')).body, {
    minStake: (3n * ALTO).toString(),
    total: '0',
    validators: [{ address: addr(idOf(V)), bonded: (2n * ALTO).toString(), weight: '0' }],
  });
});

test('GET /blocks: bootstrap key blocks say so; a key block without stake has no endorsers', async (t) => {
  const h = bootstrapChain(t);
  const app = await apiOnHarness(t, h, REGTEST);
  t.match(await get(app, `/blocks/${h.entry('b').hex}`), {
    status: 200,
    body: { kind: 'key', activation: 'bootstrap', endorsers: null },
  });
  t.match((await get(app, '/blocks/height/3')).body, {
    keyBlock: { activation: 'bootstrap', endorsers: null },
  });
  const micro = (await get(app, `/blocks/${h.entry('c1').hex}`)).body as Record<string, unknown>;
  t.notOk('activation' in micro, 'microblocks carry no activation field');
});

/** Adds M_{h,0} (named `m0Name`) on candidate `key` with the faucet's endorsements of slots 0, 2 and 4. */
function endorse(t: Test, h: ChainHarness, key: string, params: NetworkParams, m0Name = `${key}0`): void {
  const k = h.entry(key);
  const activation = [0, 2, 4].map((index) => ({
    index,
    validatorKey: getPublicKey(FAUCET_SEED),
    sig: sign(endorsementSigningMessage(k.id, index, params), FAUCET_SEED),
  }));
  const m0 = buildMicroblock({
    keyBlockId: k.id,
    prev: k.id,
    keyHeight: k.keyHeight,
    seq: 0,
    timeMs: k.timeMs + 1000n,
    activation,
  });
  t.equal(h.add(m0Name, { kind: 'micro', block: m0 }), 'connected', m0Name);
}

function endorsedChain(t: Test, params: NetworkParams = ENDORSED): ChainHarness {
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    params,
  );
  h.key('a', 'g');
  h.micro('a1', 'a', [signedTx({ payload: { type: 6, role: 1, amount: 10n * ALTO }, fee: FEE }, params)]);
  t.equal(h.key('B', 'a1'), 'candidate');
  endorse(t, h, 'B', params);
  h.micro('B1', 'B0');
  t.equal(h.key('C', 'B1'), 'candidate');
  return h;
}

test('endorsed regime: GET /blocks shows endorsed with its endorsers, and a waiting candidate', async (t) => {
  const h = endorsedChain(t);
  const app = await apiOnHarness(t, h, ENDORSED);
  const faucet = addr(FAUCET_ACCOUNT);
  t.match(await get(app, `/blocks/${h.entry('B').hex}`), {
    status: 200,
    body: {
      activation: 'endorsed',
      endorsers: [
        { index: 0, validator: faucet },
        { index: 2, validator: faucet },
        { index: 4, validator: faucet },
      ],
    },
  });
  t.same(
    ((await get(app, '/blocks/height/2')).body as { keyBlock: { endorsers: unknown } }).keyBlock.endorsers,
    [
      { index: 0, validator: faucet },
      { index: 2, validator: faucet },
      { index: 4, validator: faucet },
    ],
  );
  t.match(await get(app, `/blocks/${h.entry('C').hex}`), {
    status: 200,
    body: { activation: 'candidate', endorsers: null, bestChain: false },
  });
  t.match((await get(app, '/blocks/height/1')).body, { keyBlock: { activation: 'bootstrap' } });
});

test('endorsed regime: GET /validators counts the slots won in the period’s draws and the endorsements included', async (t) => {
  const h = endorsedChain(t);
  const app = await apiOnHarness(t, h, ENDORSED);
  t.same(await get(app, '/validators'), {
    status: 200,
    body: {
      height: 2,
      period: { start: 1, end: 10, uncounted: 0 },
      minStake: ALTO.toString(),
      total: (10n * ALTO).toString(),
      bootstrapMinStake: '1',
      // T ≥ 1: the next key block needs endorsements (or, this far past B, falls back), never bootstraps.
      nextBootstraps: false,
      validators: [
        {
          address: addr(FAUCET_ACCOUNT),
          bonded: (10n * ALTO).toString(),
          weight: (10n * ALTO).toString(),
          lastEndorsed: h.entry('B').epochKey.block.header.time,
          // The only validator owns all 5 slots of B's draw; B0 included 3 of them.
          slotsWon: 5,
          slotsIncluded: 3,
        },
      ],
    },
  });
});

test('GET /validators rebuilds at most MAX_NEW_DRAWS draws per request and says how many it left', async (t) => {
  // A reward period long enough for MAX_NEW_DRAWS + 2 endorsed key blocks: B (height 2) and E1…E65.
  const params: NetworkParams = { ...ENDORSED, rewardPeriod: 100 };
  const h = endorsedChain(t, params);
  let prev = 'B1';
  for (let i = 1; i <= MAX_NEW_DRAWS + 1; i++) {
    t.equal(h.key(`E${i}`, prev), 'candidate');
    endorse(t, h, `E${i}`, params, `E${i}.0`);
    prev = `E${i}.0`;
  }
  const app = await apiOnHarness(t, h, params);
  type Body = { period: { uncounted: number }; validators: { slotsWon: number; slotsIncluded: number }[] };
  const t0 = performance.now();
  const first = (await get(app, '/validators')).body as Body;
  const t1 = performance.now();
  t.equal(first.period.uncounted, 2, '66 endorsed key blocks, 64 draws rebuilt');
  t.match(first.validators, [{ slotsWon: 5 * MAX_NEW_DRAWS, slotsIncluded: 3 * MAX_NEW_DRAWS }]);
  const second = (await get(app, '/validators')).body as Body;
  const t2 = performance.now();
  const third = (await get(app, '/validators')).body as Body;
  t.comment(
    `64 draws rebuilt: ${(t1 - t0).toFixed(0)} ms; 2 more: ${(t2 - t1).toFixed(0)} ms; all kept: ${(performance.now() - t2).toFixed(0)} ms`,
  );
  t.same(third, second, 'from the kept draws, the same answer');
  t.equal(second.period.uncounted, 0, 'the next request finds the kept draws and rebuilds the rest');
  t.match(second.validators, [{ slotsWon: 5 * 66, slotsIncluded: 3 * 66 }]);
});

test('over HTTP on a started node: the routes answer from the chain it imported', async (t) => {
  const builder = bootstrapChain(t);
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (const name of ['a', 'a1', 'b', 'b1', 'c', 'c1'])
    t.equal(node.chain.add(builder.blocks.get(name)!), 'connected', name);
  const stakes = await fetch(`${url}/stakes/${addr(idOf(V))}`);
  t.equal(stakes.status, 200);
  t.match(await stakes.json(), {
    bonds: [{ role: 'validator', bonded: (2n * ALTO).toString() }],
    unbonding: [{ role: 'validator', amount: ALTO.toString(), releaseHeight: 8 }],
  });
  const validators = await fetch(`${url}/validators`);
  t.equal(validators.status, 200);
  t.match(await validators.json(), { height: 3, total: (2n * ALTO).toString(), nextBootstraps: true });
  const bad = await fetch(`${url}/stakes/nonsense`);
  t.equal(bad.status, 400);
  t.match(await bad.json(), { code: 'bad-address' });
});
