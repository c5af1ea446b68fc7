// Proof of Activity between real processes (PROTOCOL.md §5): one miner M and
// five validator nodes V1–V5 on regtest with --regtest-bootstrap-stake 100
// (ALTO), each validator staking its own wallet key through `wallet stake`:
//
//   K1 bootstrap (nothing staked) ── stakes: V1–V3 300 ALTO, V4–V5 1 ALTO
//   ── K2 endorsed (M_{h,0} with ≥ 3) ── V1–V3 stop ── C1, C2 stay candidates
//   (chain work flat, a transfer stays pending) ── V1–V3 restart ── K3 endorsed
//
// V1–V3 hold all but 2/902 of the stake, so without them a draw gives V4–V5
// three slots with odds of about 10⁻⁷. At the end M's stored chain is replayed
// with §6.1 asserted after every block.
import { test } from 'tap';
import { runCli } from '../helpers/node-process.js';
import {
  connect,
  converged,
  digest,
  getJson,
  meshed,
  mineOn,
  startNetNode,
  until,
  keyBlockOf,
  LOW_STAKE_FLAG,
  LOW_STAKE_PARAMS,
  type KeyBlockView,
  type NetNode,
} from '../helpers/network.js';
import { replayWithSupplyChecks } from '../helpers/replay.js';

const PARAMS = LOW_STAKE_PARAMS;
const STAKES = [300n, 300n, 300n, 1n, 1n];

interface TxView {
  readonly status: 'pending' | 'confirmed';
  readonly block: { keyHeight: number; seq: number } | null;
}

const tx = (node: NetNode, id: string): Promise<TxView> => getJson(`${node.url}/txs/${id}`);
const chainWork = async (node: NetNode): Promise<string> =>
  (await getJson<{ chainWork: string }>(`${node.url}/status`)).chainWork;

/** `altostream wallet <args>` with `node`'s wallet, through `api`'s API (its own by default); the txid it prints. */
async function wallet(node: NetNode, args: readonly string[], api: NetNode = node): Promise<string> {
  const result = await runCli(['wallet', ...args, '--datadir', node.datadir, '--api', api.url], {
    killAfterMs: 30_000,
  });
  if (result.code !== 0) throw new Error(`wallet ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

async function confirmed(node: NetNode, txids: readonly string[]): Promise<boolean> {
  return (await Promise.all(txids.map((id) => tx(node, id)))).every((v) => v.status === 'confirmed');
}

async function activatedBy(node: NetNode, id: string, mode: KeyBlockView['activation']): Promise<boolean> {
  const view = await keyBlockOf(node, id);
  return view.activation === mode && view.bestChain;
}

const VALIDATOR_ARGS = [...LOW_STAKE_FLAG, '--validator'];

async function joined(miner: NetNode, nodes: readonly NetNode[]): Promise<void> {
  for (const v of nodes) await connect(v, miner);
  await until(30_000, 'the validators mesh with the miner', () =>
    meshed(nodes.map((v) => [miner, v] as const)),
  );
}

test('key blocks activate by endorsement; stake offline stalls them as candidates; back online, the next activates', async (t) => {
  // Five validators dial from 127.0.0.1: past --max-peers-per-ip's default of 4.
  const miner = await startNetNode(t, [...LOW_STAKE_FLAG, '--allow-ip', '127.0.0.1']);
  const validators: NetNode[] = [];
  for (let i = 0; i < STAKES.length; i++) validators.push(await startNetNode(t, VALIDATOR_ARGS));
  await joined(miner, validators);

  // Nothing staked: T = 0 < 100 ALTO, so key blocks bootstrap-activate without endorsements.
  const k1 = await mineOn(miner);
  const first = await keyBlockOf(miner, k1);
  t.equal(first.activation, 'bootstrap', 'K1 bootstrap-activated');
  t.equal(first.endorsers, null);
  t.ok(first.bestChain);

  // The faucet funds each validator's wallet key; each stakes it with `wallet stake`.
  const addresses = await Promise.all(
    validators.map(
      async (v) => (await getJson<{ validator: { address: string } }>(`${v.url}/status`)).validator.address,
    ),
  );
  // A validator's regtest wallet also holds the faucet key; the transfers go through the miner.
  const faucet = (to: string, alto: bigint): Promise<string> =>
    wallet(validators[0]!, ['send', to, String(alto), '--from', 'faucet'], miner);
  const funding: string[] = [];
  for (const [i, address] of addresses.entries()) funding.push(await faucet(address, STAKES[i]! + 1n));
  await until(30_000, 'the funding transfers confirm', () => confirmed(miner, funding));
  const stakes: string[] = [];
  for (const [i, v] of validators.entries())
    stakes.push(await wallet(v, ['stake', String(STAKES[i]!), '--role', 'validator', '--from', 'default']));
  await until(30_000, 'the stakes confirm on the miner', () => confirmed(miner, stakes));
  const bonded = await getJson<{ validators: { address: string; bonded: string }[] }>(
    `${miner.url}/validators`,
  );
  t.same(bonded.validators.map((v) => v.address).sort(), [...addresses].sort(), 'five validators bonded');

  // T = 902 ALTO ≥ 100: the next key block waits for endorsements, and gets them at once.
  const k2 = await mineOn(miner);
  await until(30_000, 'K2 endorsed and connected', () => activatedBy(miner, k2, 'endorsed'));
  const endorsed = await keyBlockOf(miner, k2);
  t.ok(endorsed.endorsers !== null && endorsed.endorsers.length >= PARAMS.poa.required, 'M_{h,0} holds ≥ 3');
  t.ok(
    endorsed.endorsers?.every((e) => addresses.includes(e.validator)),
    'every endorser is one of our validators',
  );
  const indices = endorsed.endorsers?.map((e) => e.index) ?? [];
  t.same(
    indices,
    [...indices].sort((a, b) => a - b),
    'indices strictly increasing',
  );
  const paid = await faucet(addresses[4]!, 1n);
  await until(30_000, 'a transfer confirms in K2’s epoch', () => confirmed(miner, [paid]));
  t.equal((await tx(miner, paid)).block?.keyHeight, endorsed.keyHeight, 'in K2’s epoch');

  // V1–V3 go offline: key blocks stay candidates.
  const offline = validators.slice(0, 3);
  for (const v of offline) {
    v.proc.kill('SIGTERM');
    t.equal((await v.proc.exited).code, 0, 'a validator stops cleanly');
  }
  const workBefore = await chainWork(miner);
  const stalled: string[] = [];
  let waiting = '';
  for (let i = 0; i < 2; i++) {
    const id = await mineOn(miner);
    stalled.push(id);
    if (i === 0) waiting = await faucet(addresses[4]!, 1n);
    // The leader's wait (5 s) ends with too few endorsements: it says so, and keeps waiting.
    await miner.proc.waitFor(
      (l) => l.msg?.startsWith('our key block still waits') === true && l.keyBlock === id,
    );
    const view = await keyBlockOf(miner, id);
    t.equal(view.activation, 'candidate', `candidate ${i + 1} waits`);
    t.notOk(view.bestChain, `candidate ${i + 1} is not on the best chain`);
  }
  t.equal(await chainWork(miner), workBefore, 'chain work does not grow');
  const template = await getJson<{ candidates: string[] }>(
    `${miner.url}/mining/template?payout=${addresses[0]!}`,
    {
      headers: { authorization: `Bearer ${miner.token}` },
    },
  );
  t.same([...template.candidates].sort(), [...stalled].sort(), 'the mining template names both waiting');
  t.equal((await tx(miner, waiting)).status, 'pending', 'no transaction confirms');

  // Back online: the next key block activates.
  const restarted: NetNode[] = [];
  for (const v of offline) restarted.push(await startNetNode(t, VALIDATOR_ARGS, v.datadir));
  await joined(miner, restarted);
  const k3 = await mineOn(miner);
  await until(30_000, 'K3 endorsed once the validators are back', () => activatedBy(miner, k3, 'endorsed'));
  t.equal(
    (await keyBlockOf(miner, k3)).keyHeight,
    endorsed.keyHeight + 1,
    'K3 follows K2: the candidates never counted',
  );
  await until(30_000, 'the held transfer confirms in K3’s epoch', () => confirmed(miner, [waiting]));
  t.equal((await tx(miner, waiting)).block?.keyHeight, endorsed.keyHeight + 1);
  for (const id of stalled)
    t.notOk((await keyBlockOf(miner, id)).bestChain, 'the stalled candidates stay off the chain');

  const everyone = [miner, ...validators.slice(3), ...restarted];
  await until(30_000, 'all six nodes agree on tip and state', () => converged(everyone));
  // Every node drew the same endorsers from the same key blocks and snapshots (§5.2).
  const views = await Promise.all(everyone.map((n) => getJson<unknown>(`${n.url}/validators`)));
  for (const view of views.slice(1)) t.same(view, views[0], 'the same validators, weights and slots won');
  const final = await digest(miner);
  miner.proc.kill('SIGTERM');
  t.equal((await miner.proc.exited).code, 0);
  const replay = await replayWithSupplyChecks(t, miner.datadir, PARAMS);
  t.ok(replay.blocks >= 8, `§6.1 held after each of the ${replay.blocks} blocks`);
  t.equal(replay.tipId, final.tip.id, 'the replay ends at the same tip');
  t.equal(replay.digest, final.digest, 'with the same state');
});
