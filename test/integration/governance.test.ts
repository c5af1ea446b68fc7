// Governance between real processes (PROTOCOL.md §4.10, §4.11, §8): a miner A
// and two followers B and C on regtest (MIN_VOTING_PERIOD 2,
// PARAM_CHANGE_DELAY 2, PROPOSAL_DEPOSIT 1 ALTO). The faucet bonds the only
// stake, so its vote is all of B (§8.2), and drives everything through
// `altostream wallet`:
//
//   K_c: stake, propose MIN_MICROBLOCK_INTERVAL = 3000 ms (P, voted yes) and a signal nobody votes on (S)
//   K_{end+1}: tally — P passed, S missed quorum, its deposit to the reserve
//   K_{end+3}: P applies on A, B and C at once; that epoch's microblocks are ≥ 3 s apart
import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { BASE_UNITS_PER_ALTO } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import {
  connect,
  converged,
  getJson,
  mineOn,
  startNetNode,
  until,
  type NetNode,
} from '../helpers/network.js';
import { confirmedOn, faucetWallet } from '../helpers/wallet-cli.js';

const INTERVAL_ID = 4;
const NEW_INTERVAL_MS = 3000;

interface TxView {
  readonly block: { readonly id: string; readonly keyHeight: number; readonly seq: number };
}
interface BlockTimes {
  readonly timeMs: number;
  readonly prev: string;
}

const paramOn = async (node: NetNode, id: number): Promise<string> =>
  (await getJson<{ params: { id: number; value: string }[] }>(`${node.url}/params`)).params.find(
    (p) => p.id === id,
  )!.value;
const statusOn = async (node: NetNode, id: string): Promise<string> =>
  (await getJson<{ status: string }>(`${node.url}/proposals/${id}`)).status;
const reserveOn = async (node: NetNode): Promise<bigint> =>
  BigInt((await getJson<{ balance: string }>(`${node.url}/reserve`)).balance);
const heightOn = async (node: NetNode): Promise<number> =>
  (await getJson<{ tip: { keyHeight: number } }>(`${node.url}/status`)).tip.keyHeight;

test('a passed MIN_MICROBLOCK_INTERVAL change applies at its height on every node, and the next microblocks obey it', async (t) => {
  const a = await startNetNode(t);
  const b = await startNetNode(t);
  const c = await startNetNode(t);
  await connect(b, a);
  await connect(c, a);
  const nodes = [a, b, c];
  const wallet = await faucetWallet(t);
  const confirmed = async (txid: string): Promise<TxView> => {
    await until(30_000, `tx ${txid.slice(0, 12)} confirms`, () => confirmedOn(a, txid));
    return getJson<TxView>(`${a.url}/txs/${txid}`);
  };
  /** Mines on A until its tip is at `height`, each block reaching B and C. */
  const mineTo = async (height: number): Promise<void> => {
    while ((await heightOn(a)) < height) await mineOn(a);
    await until(30_000, `B and C at height ${height}`, () => converged(nodes));
  };

  await mineOn(a);
  await confirmed(await wallet(a, 'stake', '10', '--role', 'validator', '--from', 'faucet'));
  const proposal = await wallet(
    a,
    'propose',
    '--param',
    'MIN_MICROBLOCK_INTERVAL',
    String(NEW_INTERVAL_MS),
    '--voting-period',
    '2',
    '--from',
    'faucet',
  );
  const signal = await wallet(
    a,
    'propose',
    '--signal',
    'nobody votes',
    '--voting-period',
    '2',
    '--from',
    'faucet',
  );
  await confirmed(await wallet(a, 'vote', proposal, 'yes', '--from', 'faucet'));
  const cHeight = (await confirmed(proposal)).block.keyHeight;
  t.equal((await confirmed(signal)).block.keyHeight, cHeight, 'both proposals in epoch c');
  const end = cHeight + 1;
  const applyHeight = end + 1 + REGTEST.governance.paramChangeDelay;
  const reserveBefore = await reserveOn(a);

  await mineTo(end + 1);
  for (const node of nodes) {
    t.equal(await statusOn(node, proposal), 'passed', `${node.peerId.slice(-6)}: P passed at end + 1`);
    t.equal(await statusOn(node, signal), 'no-quorum', `${node.peerId.slice(-6)}: S missed quorum`);
  }
  t.equal(await reserveOn(a), reserveBefore + BASE_UNITS_PER_ALTO, "S's deposit went to the reserve");

  await mineTo(applyHeight - 1);
  for (const node of nodes) t.equal(await paramOn(node, INTERVAL_ID), '0', 'one block before: the old value');
  await mineTo(applyHeight);
  for (const node of nodes) {
    t.equal(await paramOn(node, INTERVAL_ID), String(NEW_INTERVAL_MS), 'at the apply height: the new value');
    t.equal(await statusOn(node, proposal), 'applied');
  }

  // Three transfers, each after the last confirmed: the leader spaces their microblocks by the new interval.
  const payee = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x33));
  const microblocks: TxView['block'][] = [];
  for (let i = 0; i < 3; i++) {
    microblocks.push((await confirmed(await wallet(a, 'send', payee, '1', '--from', 'faucet'))).block);
  }
  for (const m of microblocks) {
    t.equal(m.keyHeight, applyHeight, 'in the epoch the change governs');
    const block = await getJson<BlockTimes>(`${a.url}/blocks/${m.id}`);
    const parent = await getJson<BlockTimes>(`${a.url}/blocks/${block.prev}`);
    t.ok(
      block.timeMs - parent.timeMs >= NEW_INTERVAL_MS,
      `seq ${m.seq}: ${block.timeMs - parent.timeMs} ms after its parent`,
    );
  }
  await until(30_000, 'B and C accept them', () => converged(nodes));
});
