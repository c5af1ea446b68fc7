// The network, end to end between node processes on loopback: how fast a
// key block and a microblock cross a 4-node line (A — B — C — D, 3 hops), and
// how fast a fresh node syncs a chain from one peer. NET_ROUNDS (default 30)
// and NET_SYNC_BLOCKS (default 300) set the sizes; the nodes are the built CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAddress } from '../src/protocol/address.js';
import { REGTEST } from '../src/protocol/params.js';
import { encodeTx } from '../src/protocol/tx.js';
import { faucetKey } from '../src/wallet/keystore.js';
import { MIN_RELAY_FEE_RATE } from '../src/protocol/policy.js';
import { buildTransfer } from '../src/wallet/send.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';
import { followBlocks, json, mine, startNode, until, type BenchNode } from './node-process.js';

const FAUCET_SEED = faucetKey(REGTEST)!.seed;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A faucet transfer at twice the minimum relay fee rate, as hex. */
function transferHex(nonce: bigint, to: number): string {
  const tx = buildTransfer({
    seed: FAUCET_SEED,
    to: encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(to)),
    amount: 1000n,
    nonce,
    minFeeRate: 2n * MIN_RELAY_FEE_RATE,
    params: REGTEST,
  });
  return hex(encodeTx(tx));
}

async function postTx(node: BenchNode, body: string): Promise<void> {
  await json(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
}

/** Arrival time (performance.now) of each block id at a node, from its event stream. */
async function arrivals(node: BenchNode): Promise<{ seen: Map<string, number>; close: () => void }> {
  const seen = new Map<string, number>();
  const close = await followBlocks(node.url, (block) => {
    seen.set(block.id, block.atMs);
  });
  return { seen, close };
}

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const rounds = Number(process.env.NET_ROUNDS ?? 30);
  const syncBlocks = Number(process.env.NET_SYNC_BLOCKS ?? 300);
  const dirs: string[] = [];
  const nodes: BenchNode[] = [];
  const start = async (args: string[]): Promise<BenchNode> => {
    const dir = mkdtempSync(join(tmpdir(), 'altostream-net-'));
    dirs.push(dir);
    const node = await startNode(dir, ['--no-mine', '--listen', '/ip4/127.0.0.1/tcp/0', ...args]);
    nodes.push(node);
    return node;
  };
  const address = async (node: BenchNode): Promise<string> =>
    (await json<{ listen: string[] }>(`${node.url}/status`)).listen[0]!;
  try {
    const a = await start(['--microblock-interval', '0.05']);
    const b = await start(['--bootstrap', await address(a)]);
    const c = await start(['--bootstrap', await address(b)]);
    const d = await start(['--bootstrap', await address(c)]);
    await until(20_000, 'the line connects', async () => {
      const peers = await Promise.all([a, b, c, d].map((n) => json<{ peers: number }>(`${n.url}/status`)));
      return peers.every((p, i) => p.peers >= (i === 0 || i === 3 ? 1 : 2));
    });
    const atA = await arrivals(a);
    const atD = await arrivals(d);
    const keyLatency: number[] = [];
    const microLatency: number[] = [];
    let nonce = 0n;
    log(`network: ${rounds} rounds of a key block and a microblock across A — B — C — D`);
    // Round 0 warms up (the gossip mesh forms at the first heartbeats) and is not recorded.
    for (let i = -1; i < rounds; i++) {
      const { id } = await mine(a);
      await until(10_000, 'the key block reaches D', () => atD.seen.has(id) && atA.seen.has(id));
      if (i >= 0) keyLatency.push(atD.seen.get(id)! - atA.seen.get(id)!);
      // A leads this epoch: a transfer sent to it comes back as A's microblock.
      const before = new Set(atA.seen.keys());
      await postTx(a, transferHex(nonce++, 0x10 + ((i + 1) % 200)));
      let micro = '';
      await until(10_000, "A's microblock", () => {
        micro = [...atA.seen.keys()].find((k) => !before.has(k)) ?? '';
        return micro !== '';
      });
      await until(10_000, 'the microblock reaches D', () => atD.seen.has(micro));
      if (i >= 0) microLatency.push(atD.seen.get(micro)! - atA.seen.get(micro)!);
    }
    atA.close();
    atD.close();
    keyLatency.sort((x, y) => x - y);
    microLatency.sort((x, y) => x - y);

    // Sync: A's chain grows to syncBlocks key blocks with a microblock of transfers every 5th epoch.
    log(`network: building ${syncBlocks} key blocks for the sync measurement`);
    let txs = rounds + 1;
    for (let i = rounds; i < syncBlocks; i++) {
      await mine(a);
      if (i % 5 === 0) {
        for (let k = 0; k < 50; k++) await postTx(a, transferHex(nonce++, k));
        txs += 50;
        await until(
          10_000,
          'the transfers are mined',
          async () => (await json<{ count: number }>(`${a.url}/mempool`)).count === 0,
        );
      }
    }
    const target = await json<{ tip: { id: string }; height: number }>(`${a.url}/state/digest`);
    const stats = await json<{ height: number }>(`${a.url}/status`);
    const syncStarted = performance.now();
    const fresh = await start(['--bootstrap', await address(a)]);
    await until(300_000, 'the fresh node syncs', async () => {
      const s = await json<{ tip: { id: string } }>(`${fresh.url}/state/digest`);
      return s.tip.id === target.tip.id;
    });
    const syncS = (performance.now() - syncStarted) / 1000;
    const summary = {
      keyBlockP50Ms: quantile(keyLatency, 0.5),
      keyBlockP99Ms: quantile(keyLatency, 0.99),
      microblockP50Ms: quantile(microLatency, 0.5),
      microblockP99Ms: quantile(microLatency, 0.99),
      syncKeyBlocks: stats.height,
      syncSeconds: syncS,
      syncKeyBlocksPerS: stats.height / syncS,
      syncTxPerS: txs / syncS,
    };
    log(`network: ${JSON.stringify(summary)}`);
    writeFileSync(
      new URL('./results/network-summary.json', import.meta.url),
      `${JSON.stringify({ date: new Date().toISOString(), ...summary }, null, 2)}\n`,
    );
    process.stdout.write(
      `\nnetwork: A → D (3 hops) key block p50 ${summary.keyBlockP50Ms.toFixed(1)} ms, p99 ${summary.keyBlockP99Ms.toFixed(1)} ms; ` +
        `microblock p50 ${summary.microblockP50Ms.toFixed(1)} ms, p99 ${summary.microblockP99Ms.toFixed(1)} ms; ` +
        `sync of ${stats.height} key blocks and ${txs} transfers from one peer in ${syncS.toFixed(1)} s ` +
        `(${summary.syncKeyBlocksPerS.toFixed(0)} key blocks/s, ${summary.syncTxPerS.toFixed(0)} tx/s, including start-up)\n`,
    );
    return [
      resultFromRounds(
        {
          title: 'key block A → D (3 hops), per second of latency',
          unit: 'block',
          candidates: [{ name: 'gossip', ours: true }],
        },
        [keyLatency.map((ms) => 1000 / Math.max(ms, 0.001))],
      ),
    ];
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
