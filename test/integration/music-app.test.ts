// The example music app end to end (issue 17, "the example app"): a regtest
// node process, two musicians with three songs (one split 70/30 with a holder),
// the example app server in this process, and 20 simulated listeners who pay
// (donations to songs and musicians, subscriptions) and play through the app.
// Everything lands in period 0 (key heights 1–10); mining through height 11
// settles it (PROTOCOL.md §6.5). Every musician (per split), listener and the
// app must be credited exactly what §7.3 computes, computed here by hand from
// the amounts and seconds this test chose, with the pools the node reports. A
// whale listener makes the musicians' and apps' pools bind and leaves the
// listeners' match below its pool, so both sides of each min() are used.
import { test } from 'tap';
import { MusicApp, SERVICE_KEY_FLOAT, type AppStatus } from '../../examples/music-app/app-server.js';
import { NodeApi, submitOrThrow } from '../../examples/music-app/node-api.js';
import { simulateListeners, type ListenerPlan, type Payment } from '../../examples/music-app/listener-sim.js';
import {
  addressOfAccount,
  addressOfKey,
  encodeAttestation,
  getPublicKey,
  parseAlto,
  ROLE_MUSICIAN,
  sha256,
  signAttestation,
  signRegisterIdentity,
  signRegisterSong,
  signTransfer,
  toHex,
  type Tx,
} from '../../src/client/index.js';
import type { PeriodBody } from '../../src/api-schema/music.js';
import { REGTEST } from '../../src/protocol/params.js';
import { getJson, mineOn, startNetNode, until, type NetNode } from '../helpers/network.js';
import { FAUCET_KEY } from '../helpers/wallet-cli.js';

const params = REGTEST;
const seedOf = (name: string): Uint8Array => sha256(new TextEncoder().encode(`music-app test/${name}`));
const addressOf = (seed: Uint8Array): string => addressOfKey(getPublicKey(seed), params);

const M1 = seedOf('musician 1');
const M2 = seedOf('musician 2');
const APP = seedOf('app');
const SERVICE = seedOf('service key');
const HOLDER = addressOfAccount(new Uint8Array(20).fill(0x3c), params);

interface SongSpec {
  readonly id: string;
  readonly owner: Uint8Array;
  readonly durationS: number;
  readonly splits: readonly { readonly address: string; readonly bp: number }[];
}
const song = (name: string, owner: Uint8Array, durationS: number, splits: SongSpec['splits']): SongSpec => ({
  id: toHex(sha256(new TextEncoder().encode(`master of ${name}`))),
  owner,
  durationS,
  splits,
});
const S1 = song('Tide', M1, 180, [
  { address: addressOf(M1), bp: 7000 },
  { address: HOLDER, bp: 3000 },
]);
const S2 = song('Harbour', M1, 240, [{ address: addressOf(M1), bp: 10_000 }]);
const S3 = song('Lantern', M2, 200, [{ address: addressOf(M2), bp: 10_000 }]);
const SONGS = [S1, S2, S3];

/** Listener i's payment: a whale first, then amounts with odd base units so every floor bites. */
function paymentOf(i: number): Payment {
  const amount = i === 0 ? parseAlto('3000') : parseAlto('0.731') * BigInt(i) + 1_234_567n * BigInt(i);
  switch (i % 4) {
    case 0:
      return { kind: 'donate-song', songId: SONGS[(i / 4) % 3]!.id, amount };
    case 1:
      return { kind: 'subscribe', musician: addressOf(M1), amount, periods: 1 + (i % 3) };
    case 2:
      return { kind: 'donate-musician', musician: addressOf(M2), amount };
    default:
      return { kind: 'subscribe', musician: addressOf(M2), amount, periods: 2 };
  }
}

/** Listener i's plays: all ≥ MIN_PLAY_SECONDS and within the song, so every one counts. */
function playsOf(i: number): { songId: string; seconds: number }[] {
  const plays = [{ songId: S1.id, seconds: 30 + ((i * 7) % 150) }];
  if (i % 2 === 0) plays.push({ songId: S2.id, seconds: 45 + i * 5 });
  if (i % 4 !== 3) plays.push({ songId: S3.id, seconds: 200 - i * 3 });
  if (i % 5 === 0) plays.push({ songId: S1.id, seconds: 60 });
  return plays;
}

const PLANS: ListenerPlan[] = Array.from({ length: 20 }, (_, i) => ({
  seed: seedOf(`listener ${i}`),
  pay: paymentOf(i),
  plays: playsOf(i),
}));

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

interface Pools {
  readonly musicians: bigint;
  readonly listeners: bigint;
  readonly apps: bigint;
}

/**
 * §7.3 by hand over the plans: every listener is eligible (listener role, registered at height 1 ≤
 * 11 − LISTENER_MIN_AGE, paid, counted seconds), all its plays count, and all went through one app.
 * Returns each account's credit per kind.
 */
function expectedCredits(pools: Pools): Map<string, bigint> {
  const { matchMusiciansBp, matchListenersBp, matchAppsBp, engagementTargetS } = params.music;
  const value = new Map<string, bigint>(SONGS.map((s) => [s.id, 0n]));
  let sA = 0n;
  const weights = new Map<string, bigint>();
  for (const plan of PLANS) {
    const support = plan.pay.amount;
    const total = BigInt(plan.plays.reduce((sum, p) => sum + p.seconds, 0));
    const perSong = new Map<string, bigint>();
    for (const p of plan.plays) perSong.set(p.songId, (perSong.get(p.songId) ?? 0n) + BigInt(p.seconds));
    for (const [id, seconds] of perSong) value.set(id, value.get(id)! + (support * seconds) / total);
    sA += (support * total) / total; // route(l, app): every second went through the one app
    const engaged = total < BigInt(engagementTargetS) ? total : BigInt(engagementTargetS);
    weights.set(addressOf(plan.seed), (support * engaged) / BigInt(engagementTargetS));
  }
  const sM = [...value.values()].reduce((a, b) => a + b, 0n);
  const sL = [...weights.values()].reduce((a, b) => a + b, 0n);
  const dM = min(pools.musicians, (sM * BigInt(matchMusiciansBp)) / 10_000n);
  const dL = min(pools.listeners, (sL * BigInt(matchListenersBp)) / 10_000n);
  const dA = min(pools.apps, (sA * BigInt(matchAppsBp)) / 10_000n);

  const credits = new Map<string, bigint>();
  const credit = (address: string, kind: number, amount: bigint): void => {
    const key = `${address}/${kind}`;
    credits.set(key, (credits.get(key) ?? 0n) + amount);
  };
  for (const s of SONGS) {
    const matched = (dM * value.get(s.id)!) / sM;
    let paid = 0n;
    for (const split of s.splits) {
      const share = (matched * BigInt(split.bp)) / 10_000n;
      credit(split.address, 5, share);
      paid += share;
    }
    credit(addressOf(s.owner), 5, matched - paid); // the remainder to the owner
  }
  for (const [address, w] of weights) credit(address, 6, (dL * w) / sL);
  credit(addressOf(APP), 7, (dA * sA) / sA);
  for (const [key, amount] of credits) if (amount === 0n) credits.delete(key); // §3.10: no zero entries
  return credits;
}

/** Every credit (kind 5–7) the node's reward history gives `address` from the settlement at `height`. */
async function creditsOn(node: NetNode, address: string, height: number): Promise<Map<number, bigint>> {
  const body = await getJson<{ rewards: { kind: number; sourceHeight: number; amount: string }[] }>(
    `${node.url}/rewards/${address}`,
  );
  const out = new Map<number, bigint>();
  for (const r of body.rewards) {
    if (r.sourceHeight === height && r.kind >= 5 && r.kind <= 7) out.set(r.kind, BigInt(r.amount));
  }
  return out;
}

test('20 listeners pay and play through the example app; the settlement pays musicians per split, listeners and the app as §7.3 computes', async (t) => {
  const node = await startNetNode(t);
  const api = new NodeApi(node.url, params);
  await mineOn(node); // key height 1: the node leads epoch 1, where everything of period 0 lands
  const confirm = async (ids: readonly string[]): Promise<void> => {
    await Promise.all(ids.map((id) => api.waitConfirmed(id, 30_000)));
  };
  const submitAll = async (txs: readonly Tx[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const tx of txs) ids.push(await submitOrThrow(api, tx, 'setup'));
    return ids;
  };
  const envelope = async (seed: Uint8Array, offset: number) => ({
    nonce: (await api.nextNonce(addressOf(seed))) + BigInt(offset),
    fee: parseAlto('0.01'),
    params,
  });

  // Musicians and songs; the app's key gets the money it stakes.
  const faucet = FAUCET_KEY.seed;
  await confirm(
    await submitAll(
      await Promise.all(
        [M1, M2, APP].map(async (seed, i) =>
          signTransfer(faucet, { to: addressOf(seed), amount: parseAlto('10') }, await envelope(faucet, i)),
        ),
      ),
    ),
  );
  // A song needs its owner's musician role in the state, so the songs wait for the registrations.
  await confirm(
    await submitAll(
      await Promise.all(
        [M1, M2].map(async (m) =>
          signRegisterIdentity(m, { roles: ROLE_MUSICIAN, displayName: 'band' }, await envelope(m, 0)),
        ),
      ),
    ),
  );
  const songs: Tx[] = [];
  for (const m of [M1, M2]) {
    for (const [n, s] of SONGS.filter((x) => x.owner === m).entries()) {
      const fields = {
        songId: s.id,
        title: `song ${s.id.slice(0, 6)}`,
        durationS: s.durationS,
        splits: s.splits.map((x) => ({ account: x.address, bp: x.bp })),
      };
      songs.push(signRegisterSong(m, fields, await envelope(m, n)));
    }
  }
  await confirm(await submitAll(songs));

  const app = new MusicApp({
    api: node.url,
    params,
    appSeed: APP,
    serviceSeed: SERVICE,
    name: 'Example Music App',
    flushMs: 200,
  });
  t.teardown(() => app.close());
  const appUrl = await app.start(0);
  t.equal(app.status().staked, true, 'the app staked (role 2, its name and service key) before serving');

  // Two waves of ten listeners. Between them the service key's next nonce is spent behind the app's
  // back, with all its fee money but 1,000 base units: the first report of the second wave meets
  // `bad-nonce` and is signed again, then `insufficient-funds`, and waits until the app has moved
  // fee money to its service key.
  const sim = (plans: ListenerPlan[]) =>
    simulateListeners({ api: node.url, params, appUrl, faucetSeed: faucet, listeners: plans });
  const first = await sim(PLANS.slice(0, 10));
  await app.flush();
  await confirm(app.status().recent.map((r) => r.id));
  const held = (await api.account(addressOf(SERVICE)))!.balance;
  const drain = await envelope(SERVICE, 0);
  const spent = signTransfer(SERVICE, { to: HOLDER, amount: held - drain.fee - 1000n }, drain);
  await confirm([await submitOrThrow(api, spent, 'the service key spends its nonce and money')]);
  const second = await sim(PLANS.slice(10));
  const posted = [...first, ...second].reduce((sum, r) => sum + r.plays, 0);
  await until(30_000, 'every play accepted by the node', async () => {
    await app.flush();
    return app.status().accepted.plays === posted;
  });

  const status = await getJson<AppStatus>(`${appUrl}/status`);
  t.equal(
    posted,
    PLANS.reduce((sum, p) => sum + p.plays.length, 0),
    'every planned play was posted',
  );
  t.match(
    status,
    { app: addressOf(APP), serviceKey: addressOf(SERVICE), staked: true, queued: 0 },
    'GET /status: the app, its service key, staked, nothing queued',
  );
  t.equal(status.accepted.plays, posted, 'the node accepted every play in a report');
  t.same(status.refused.plays, {}, 'no play refused');
  t.equal(status.refused.reports['bad-nonce'], 1, 'one report met bad-nonce…');
  t.equal(status.resubmitted, 1, '…and was signed again with the fresh nonce');
  t.ok((status.refused.reports['insufficient-funds'] ?? 0) >= 1, 'then insufficient-funds…');
  t.same(Object.keys(status.refused.reports).sort(), ['bad-nonce', 'insufficient-funds'], 'and nothing else');
  t.ok(
    (await api.account(addressOf(SERVICE)))!.balance > SERVICE_KEY_FLOAT / 2n,
    '…until the app refilled its service key',
  );
  await confirm(status.recent.map((r) => r.id));

  // The app's own refusals, each a 400 naming the code and the attestation at fault; nothing queued.
  const postPlays = async (hexes: string[]): Promise<{ status: number; code: string; index?: number }> => {
    const response = await fetch(`${appUrl}/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ attestations: hexes }),
    });
    const body = (await response.json()) as { code: string; index?: number };
    return { status: response.status, ...body };
  };
  const play = (app: string, serial: bigint) =>
    signAttestation(
      PLANS[1]!.seed,
      { songId: S2.id, startS: BigInt(Math.floor(Date.now() / 1000) - 100), seconds: 40, app, serial },
      params,
    );
  const good = play(addressOf(APP), 7n);
  const forged = { ...good, sig: good.sig.map((b, i) => (i === 0 ? b ^ 1 : b)) };
  const hex = (a: typeof good): string => toHex(encodeAttestation(a));
  t.match(
    await postPlays([hex(good), hex(play(HOLDER, 8n))]),
    { status: 400, code: 'wrong-app', index: 1 },
    'a play for another app',
  );
  t.match(
    await postPlays([hex(forged)]),
    { status: 400, code: 'bad-attestation-signature', index: 0 },
    'a forged listener signature',
  );
  t.match(
    await postPlays([hex(good), hex(good)]),
    { status: 400, code: 'duplicate-play', index: 1 },
    'one serial twice',
  );
  t.match(await postPlays(['00']), { status: 400, code: 'bad-encoding', index: 0 }, 'not 168 bytes');
  t.match(await postPlays([]), { status: 400, code: 'bad-request' }, 'no attestation');
  t.equal(app.status().queued, 0, 'a refused request queues nothing');

  // Period 0 ends at key height 10; height 11 settles it.
  for (let h = 2; h <= 11; h++) await mineOn(node);
  await until(10_000, 'the settlement at height 11', async () => {
    return (await getJson<{ height: number }>(`${node.url}/status`)).height >= 11;
  });

  const recipients = [
    addressOf(M1),
    addressOf(M2),
    HOLDER,
    addressOf(APP),
    ...PLANS.map((p) => addressOf(p.seed)),
  ];
  const got = new Map<string, bigint>();
  for (const address of recipients) {
    for (const [kind, amount] of await creditsOn(node, address, 11)) got.set(`${address}/${kind}`, amount);
  }

  // The pools the settlement shared, as the node reports period 0 (GET /periods/:n); only the pools
  // are taken from it, everything else is computed above from the test's own inputs.
  const period = await getJson<PeriodBody>(`${node.url}/periods/0`);
  const pools = {
    musicians: BigInt(period.pools.musicians),
    listeners: BigInt(period.pools.listeners),
    apps: BigInt(period.pools.apps),
  };
  t.equal(pools.musicians, 10n * parseAlto('2.5'), 'musicians pool: 10 key blocks × 20% of 12.5 ALTO');

  const expected = expectedCredits(pools);
  t.equal(expected.size, 3 + 1 + PLANS.length, 'three musician credits, the app, every listener');
  t.same(Object.fromEntries(got), Object.fromEntries(expected), 'every credit as §7.3 computes');
  t.equal(BigInt(period.musicians.distributed), pools.musicians, 'the musicians’ pool binds (the whale)');
  t.equal(BigInt(period.apps.distributed), pools.apps, 'the apps’ pool binds');
  t.ok(BigInt(period.listeners.distributed) < pools.listeners, 'the listeners’ match stays below its pool');
});
