// The music index outside the digest (state/music-index.ts) through reorgs and
// the schema 3 → 4 migration, read back from its table and through the API,
// and the provisional settlement computed once per tip (api/music.ts).
import type { FastifyInstance } from 'fastify';
import { test, type Test } from 'tap';
import type { MusicianBody, SongBody } from '../../src/api-schema/music.js';
import { ProvisionalCache } from '../../src/api/music.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import {
  ALTO,
  SONG_X,
  SONG_Y,
  SONG_Z,
  donateMusician,
  keys,
  musicParties,
  payments,
  plays,
  registered,
  song,
} from '../helpers/music-chain.js';
import { tempDir } from '../helpers/temp-dir.js';

const MILLI = 10n ** 15n;
const SONG_W = new Uint8Array(32).fill(0x8d);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const addr = (account: Uint8Array): string => encodeAddress(REGTEST.hrp, account);

/** The music table as `key hex → value hex`. */
function musicTable(h: ChainHarness): Map<string, string> {
  return new Map([...h.storage.read.music.range()].map(({ key, value }) => [hex(key), hex(value)]));
}

/** The table's keys by kind: 0x00 income, 0x01 songs, 0x02 songs by owner. */
function kinds(table: Map<string, string>): { income: number; songs: number; byOwner: number } {
  const keys = [...table.keys()];
  return {
    income: keys.filter((k) => k.startsWith('00')).length,
    songs: keys.filter((k) => k.startsWith('01')).length,
    byOwner: keys.filter((k) => k.startsWith('02')).length,
  };
}

async function musician(app: FastifyInstance, account: Uint8Array): Promise<MusicianBody> {
  return (await app.inject({ method: 'GET', url: `/musicians/${addr(account)}` })).json<MusicianBody>();
}

async function songBody(app: FastifyInstance, id: Uint8Array): Promise<SongBody> {
  return (await app.inject({ method: 'GET', url: `/songs/${hex(id)}` })).json<SongBody>();
}

const open = (t: Test, dir?: string): ChainHarness =>
  ChainHarness.open((fn) => {
    t.teardown(fn);
  }, dir);

test('a reorg takes a block’s donations, subscriptions and new songs out of the music index, and the way back puts them in again', async (t) => {
  //   g ── k1 ── m1 ── k2 ── m2 (identities, X, Y, Z) ┬─ m2b (payments) ── k3 ── m3 (C registers W)
  //                                                    └─ c3 ── c4                 heavier: neither
  //   then k4, k5 on m3: the first branch is heavier again
  const p = musicParties();
  const h = registered((fn) => {
    t.teardown(fn);
  }, p);
  const registeredOnly = musicTable(h);
  t.same(kinds(registeredOnly), { income: 0, songs: 0, byOwner: 3 }, 'm2: X, Y, Z by their owners');
  payments(h, p);
  h.key('k3', 'm2b', 3);
  h.micro('m3', 'k3', [song(p.c, SONG_W, 'W', 200, [{ account: p.c.id, bp: 10_000 }])]);
  const app = await apiOnHarness(t, h);
  const paid = musicTable(h);
  t.same(kinds(paid), { income: 2, songs: 2, byOwner: 4 }, 'M and C paid, X and Z donated, W by C');
  t.equal((await musician(app, p.m.id)).earnings.donations, (55_800n * MILLI).toString());
  t.same(
    (await musician(app, p.c.id)).songs.map((s) => s.id),
    [hex(SONG_Z), hex(SONG_W)],
  );

  h.key('c3', 'm2', 0xc3);
  h.key('c4', 'c3', 0xc4);
  t.equal(h.tipName(), 'c4');
  t.same(
    musicTable(h),
    registeredOnly,
    'the income, the song totals and W’s entry are gone: the table of m2',
  );
  const m = await musician(app, p.m.id);
  t.same([m.earnings.donations, m.earnings.subscriptions], ['0', '0']);
  t.same(
    (await musician(app, p.c.id)).songs.map((s) => s.id),
    [hex(SONG_Z)],
    'W left with m3',
  );
  t.same((await songBody(app, SONG_X)).earnings, {
    donated: '0',
    donations: 0,
    paidToHolders: '0',
    rewards: '0',
  });
  const unknownW = await app.inject({ method: 'GET', url: `/songs/${hex(SONG_W)}` });
  t.same([unknownW.statusCode, unknownW.json<{ code: string }>().code], [404, 'unknown-song']);

  h.key('k4', 'm3', 4);
  h.key('k5', 'k4', 5);
  t.equal(h.tipName(), 'k5');
  t.same(musicTable(h), paid, 'back on the first branch: the same entries, byte for byte');
  t.equal((await musician(app, p.m.id)).earnings.subscriptions, (36n * ALTO).toString());
});

test('a reorg across a settlement takes its matched amounts off the songs, and puts them back', async (t) => {
  //   … m2b (payments) ┬─ k3 ── m3 (plays) ── k4 … k11    settles period 0 with X and Y played
  //                    └─ c3 … c12                        heavier, settles period 0 with no plays
  const p = musicParties();
  const h = registered((fn) => {
    t.teardown(fn);
  }, p);
  payments(h, p);
  plays(h, p);
  keys(h, 'm3', 4, 10);
  const beforeSettlement = musicTable(h);
  h.key('k11', 'k10', 11);
  const app = await apiOnHarness(t, h);
  t.equal((await songBody(app, SONG_X)).earnings.rewards, (1350n * MILLI).toString(), 'm_X');
  t.equal((await songBody(app, SONG_Y)).earnings.rewards, (2250n * MILLI).toString(), 'm_Y');
  const settled = musicTable(h);
  let parent = 'm2b';
  for (let n = 3; n <= 12; n++) {
    h.key(`c${n}`, parent, 0xc0 + n);
    parent = `c${n}`;
  }
  t.equal(h.tipName(), 'c12');
  t.same(musicTable(h), beforeSettlement, 'the song totals as they were before k11: no rewards');
  t.equal((await songBody(app, SONG_X)).earnings.rewards, '0');
  t.equal((await songBody(app, SONG_X)).earnings.donated, (60n * ALTO).toString(), 'm2b is on both branches');
  keys(h, 'k11', 12, 13);
  t.equal(h.tipName(), 'k13');
  t.same(musicTable(h), settled, 'k11 again: its matched amounts are back');
});

test('a data directory of schema 3 gains the songs by owner and the reward totals per kind; income counts from the next key height, and a reorg below it changes nothing', async (t) => {
  //   g ── k1 ── m1 ── k2 ── m2 ── m2b (payments) ── k3   (tip when schema 3 closed)
  //                               └─ c3 ── c4 ── c5 ── c6   heavier, later: disconnects k3 and m2b
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const p = musicParties();
  const old = registered((fn) => {
    t.teardown(fn);
  }, p);
  payments(old, p);
  old.key('k3', 'm2b', 3);
  const payout3 = new Uint8Array(20).fill(3);
  const minerShares = old.chain.rewardsOfKind(payout3, 1);
  t.ok(minerShares.credited > 0n, 'k3 paid its payout a miner share');
  // Copy the data directory's state into `dir` by replaying the blocks, then take away what schema 3 lacked.
  const replayed = ChainHarness.open(() => undefined, dir);
  replayed.replay(old, ['k1', 'm1', 'k2', 'm2', 'm2b', 'k3']);
  replayed.storage.commit((tables) => {
    for (const { key } of [...tables.music.range()]) tables.music.remove(key);
    for (const { key } of [...tables.rewards.range(Uint8Array.of(2), Uint8Array.of(3))])
      tables.rewards.remove(key);
    tables.meta.put(new TextEncoder().encode('version'), Uint8Array.of(3, 0, 0, 0));
  });
  await replayed.storage.close();

  const h = open(t, dir);
  h.replay(old, ['k1', 'm1', 'k2', 'm2', 'm2b', 'k3']); // names them: each is a duplicate here
  const app = await apiOnHarness(t, h);
  const m = await musician(app, p.m.id);
  t.same(
    m.songs.map((s) => s.id),
    [hex(SONG_X), hex(SONG_Y)],
    'songs by owner, read from the state',
  );
  t.equal(m.incomeCompleteFrom, 4, 'the tip was k3: income is complete from 4');
  t.equal(m.earnings.donations, '0', 'the payments before it are not counted');
  t.same(h.chain.rewardsOfKind(payout3, 1), minerShares, 'the totals per kind summed from the records');
  t.same(kinds(musicTable(h)), { income: 0, songs: 0, byOwner: 3 });
  h.micro('m3', 'k3', [donateMusician(p.b, p.m.id, 10n * ALTO)]);
  t.equal((await musician(app, p.m.id)).earnings.donations, '0', 'm3 is of epoch 3, below 4: not counted');
  h.key('k4', 'm3', 4);
  h.micro('m4', 'k4', [donateMusician(p.b, p.m.id, 10n * ALTO)]);
  t.equal((await musician(app, p.m.id)).earnings.donations, (9n * ALTO).toString(), 'm4 is counted');
  for (const [name, parent] of [
    ['c3', 'm2'],
    ['c4', 'c3'],
    ['c5', 'c4'],
    ['c6', 'c5'],
  ] as const)
    h.key(name, parent, 0xc0);
  t.equal(h.tipName(), 'c6', 'the reorg disconnects m4, k4, m3, k3 and m2b');
  t.equal(
    (await musician(app, p.m.id)).earnings.donations,
    '0',
    'm4’s donation is taken off; those below 4, never counted, are not',
  );
  t.same(kinds(musicTable(h)), { income: 0, songs: 0, byOwner: 3 });
});

test('the provisional settlement is computed once per tip, whatever the requests, and again on a new tip', async (t) => {
  const p = musicParties();
  const h = registered((fn) => {
    t.teardown(fn);
  }, p);
  payments(h, p);
  plays(h, p);
  const cache = new ProvisionalCache(h.chain, REGTEST);
  const first = cache.get();
  t.equal(cache.get(), first, 'the same result for the same tip');
  t.equal(cache.computations, 1);
  t.same(first.chart, [hex(SONG_Y), hex(SONG_X)], 'by value: Y 75, X 45 ALTO');
  h.key('k4', 'm3', 4);
  const second = cache.get();
  t.not(second, first, 'a new tip: computed again');
  t.equal(cache.computations, 2);
  t.same(second.songValues, first.songValues, 'the key block changed no play or payment');
  t.equal(second.tipHeight, 4n);
});
