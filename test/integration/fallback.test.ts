// The liveness fallback (PROTOCOL.md §5.4) between real processes: regtest
// with --regtest-bootstrap-stake 100 (ALTO), ACTIVATION_FALLBACK 600 s and
// FALLBACK_IDLE_TIME 1200 s. The faucet bonds 200 ALTO as a validator, and no
// validator runs, so nobody endorses:
//
//   B1 … B7, K1 bootstrap (the stake bonds in K1's epoch, last_endorsed = t1)
//   ── C candidate (waits: no endorsements)
//   ── F1 time t1 + 600: fallback-activated; the bond is not idle yet (t1 ≥ F1.time − 1200)
//   ── F2 time F1.time + 700: fallback-activated; the bond is idle → unbonding, T = 0
//   ── K4 bootstrap-activated at the clock's time; a transfer confirms in its epoch
//
// Key-block times may run 2 h ahead of the clock (§3.5), so the test mines
// F1 and F2 with future times instead of waiting. A second node follows and
// must accept every block on its own; the miner's stored chain is replayed
// with §6.1 asserted after every block.
import { test } from 'tap';
import { BASE_UNITS_PER_ALTO } from '../../src/protocol/amount.js';
import {
  connect,
  converged,
  digest,
  getJson,
  mineOn,
  startNetNode,
  until,
  keyBlockOf,
  LOW_STAKE_FLAG,
  LOW_STAKE_PARAMS,
} from '../helpers/network.js';
import { replayWithSupplyChecks } from '../helpers/replay.js';
import { FAUCET_KEY, confirmedOn, faucetWallet } from '../helpers/wallet-cli.js';

const PARAMS = LOW_STAKE_PARAMS;
const FAUCET = FAUCET_KEY;

interface StakesView {
  readonly bonds: { role: string; bonded: string }[];
  readonly unbonding: { amount: string; releaseHeight: number }[];
}

test('a candidate past ACTIVATION_FALLBACK is fallback-activated, idle stake unbonds, and the chain goes on', async (t) => {
  const miner = await startNetNode(t, LOW_STAKE_FLAG);
  const follower = await startNetNode(t, LOW_STAKE_FLAG);
  await connect(follower, miner);
  const run = await faucetWallet(t);
  const wallet = (...args: string[]): Promise<string> => run(miner, ...args);
  const confirmed = (txid: string): Promise<boolean> => confirmedOn(miner, txid);
  const stakes = (): Promise<StakesView> => getJson(`${miner.url}/stakes/${FAUCET.address}`);

  // Eight key blocks at the clock's time first: with only two of the last eleven in the future, the
  // median time past (§3.5) — and so K4's time and its microblocks' — stays at the clock's.
  let k1 = '';
  for (let i = 0; i < 8; i++) k1 = await mineOn(miner);
  t.equal((await keyBlockOf(miner, k1)).activation, 'bootstrap', 'nothing staked: K1 bootstraps');
  const staked = await wallet('stake', '200', '--role', 'validator', '--from', 'faucet');
  await until(30_000, 'the stake confirms', () => confirmed(staked));
  const t1 = (await keyBlockOf(miner, k1)).time; // the bond's last_endorsed: K_c.time of its Stake

  const c = await mineOn(miner);
  await miner.proc.waitFor(
    (l) => l.msg?.startsWith('our key block still waits') === true && l.keyBlock === c,
  );
  t.equal((await keyBlockOf(miner, c)).activation, 'candidate', 'T = 200 ALTO: C waits, and nobody endorses');

  const f1 = await mineOn(miner, { time: t1 + PARAMS.poa.fallbackS });
  const first = await keyBlockOf(miner, f1);
  t.equal(first.activation, 'fallback', 'F1, 600 s after K1: fallback-activated');
  t.ok(first.bestChain);
  t.equal(first.keyHeight, 9, 'on K1 (height 8)');
  t.notOk((await keyBlockOf(miner, c)).bestChain, 'C stays a candidate, off the chain');
  await miner.proc.waitFor(
    (l) => l.msg?.startsWith('key block fallback-activated') === true && l.keyBlock === f1,
  );
  t.same(
    (await stakes()).bonds.map((b) => [b.role, b.bonded]),
    [['validator', (200n * BASE_UNITS_PER_ALTO).toString()]],
    'endorsed within FALLBACK_IDLE_TIME of F1: still bonded',
  );

  const f2 = await mineOn(miner, { time: first.time + PARAMS.poa.fallbackS + 100 });
  const second = await keyBlockOf(miner, f2);
  t.equal(second.activation, 'fallback', 'F2: fallback again');
  t.ok(second.time - t1 > PARAMS.poa.fallbackIdleS, 'F2 is past the idle time of the bond');
  const after = await stakes();
  t.same(after.bonds, [], 'the idle bond left');
  t.same(
    after.unbonding.map((u) => [u.amount, u.releaseHeight]),
    [[(200n * BASE_UNITS_PER_ALTO).toString(), second.keyHeight + PARAMS.unbondingPeriod]],
    'it unbonds, released UNBONDING_PERIOD after F2',
  );

  // T = 0 < 100 ALTO: the next key block bootstraps, and transactions confirm again.
  const k4 = await mineOn(miner);
  t.equal((await keyBlockOf(miner, k4)).activation, 'bootstrap', 'K4 bootstraps');
  const paid = await wallet('send', FAUCET.address, '1', '--from', 'faucet');
  await until(30_000, 'a transfer confirms after the fallback', () => confirmed(paid));
  t.equal(
    (await getJson<{ block: { keyHeight: number } }>(`${miner.url}/txs/${paid}`)).block.keyHeight,
    second.keyHeight + 1,
    "in K4's epoch",
  );

  await until(30_000, 'the follower accepts the fallback chain', () => converged([miner, follower]));
  const final = await digest(miner);
  miner.proc.kill('SIGTERM');
  t.equal((await miner.proc.exited).code, 0);
  const replay = await replayWithSupplyChecks(t, miner.datadir, PARAMS);
  t.ok(replay.blocks >= 6, `§6.1 held after each of the ${replay.blocks} blocks`);
  t.equal(replay.digest, final.digest, 'the replay ends in the same state');
});
