// Proof of Activity on loopback (PROTOCOL.md §5.4): how long a key block waits
// as a candidate before its M_{h,0} connects it. One leader node (mining
// through its template and submit routes) and VALIDATORS validator nodes, all
// separate processes of the built CLI on regtest with a bootstrap threshold
// that only all of their stakes together reach; each validator is funded from
// the faucet and stakes with `altostream wallet stake --role validator`. Then,
// per key block: the time from the leader accepting it (the submit answer) to
// its block_connected on the leader (K and M_{h,0} connect together) and on a
// validator, and the leader's own wait from its log. ACTIVATION_KEY_BLOCKS
// (default 30) sets how many key blocks are measured.
//
// Processes, not in-process nodes: five validators in one process would share
// one event loop, so their endorsements (each a PoW check of K, a draw and a
// signature) would be signed one after another, and the leader's work would
// queue behind them too. As processes they run side by side as on five
// machines, sharing only this machine's cores.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REGTEST } from '../src/protocol/params.js';
import { MIN_RELAY_FEE_RATE } from '../src/protocol/policy.js';
import { encodeTx } from '../src/protocol/tx.js';
import { faucetKey } from '../src/wallet/keystore.js';
import { buildTransfer } from '../src/wallet/send.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';
import { followBlocks, json, mine, startNode, until, type BenchNode } from './node-process.js';

const VALIDATORS = 5;
/** Each validator's bond, in ALTO; regtest's validator minimum is 1 ALTO (§12). */
const STAKE_ALTO = 2n;
/** BOOTSTRAP_MIN_VALIDATOR_STAKE: reached only once every validator is bonded. */
const BOOTSTRAP_STAKE = `${STAKE_ALTO * BigInt(VALIDATORS)}`;
/** Key blocks activated before measuring: the gossip mesh settles over the first ones. */
const WARM_UP = 2;
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const FAUCET_SEED = faucetKey(REGTEST)!.seed;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type PoaNode = BenchNode & { readonly datadir: string };

async function confirmed(node: BenchNode, txids: readonly string[]): Promise<boolean> {
  const txs = await Promise.all(txids.map((id) => json<{ status: string }>(`${node.url}/txs/${id}`)));
  return txs.every((tx) => tx.status === 'confirmed');
}

/** Arrival time (performance.now) of each block id at a node, from its event stream. */
async function arrivals(node: BenchNode): Promise<{ seen: Map<string, number>; close: () => void }> {
  const seen = new Map<string, number>();
  const close = await followBlocks(node.url, (block) => {
    seen.set(block.id, block.atMs);
  });
  return { seen, close };
}

/**
 * Times from the nodes' JSON logs (Date.now, 1 ms steps; one clock, one machine), per key block:
 * when the leader started waiting, when the first and the last validator signed an endorsement,
 * and when the leader activated it.
 */
function logTimes(): {
  onLine: (line: string) => void;
  waits: Map<string, number>;
  firstSigned: Map<string, number>;
  lastSigned: Map<string, number>;
  activated: Map<string, number>;
} {
  const waits = new Map<string, number>();
  const firstSigned = new Map<string, number>();
  const lastSigned = new Map<string, number>();
  const activated = new Map<string, number>();
  return {
    waits,
    firstSigned,
    lastSigned,
    activated,
    onLine: (line) => {
      if (!line.includes('key block')) return;
      const record = JSON.parse(line) as { msg?: string; keyBlock?: string; time?: number };
      const { keyBlock, time } = record;
      if (keyBlock === undefined || time === undefined) return;
      if (record.msg === 'our key block waits for endorsements') waits.set(keyBlock, time);
      if (record.msg === 'activated our key block') activated.set(keyBlock, time);
      if (record.msg === 'endorsed a key block') {
        firstSigned.set(keyBlock, Math.min(time, firstSigned.get(keyBlock) ?? time));
        lastSigned.set(keyBlock, Math.max(time, lastSigned.get(keyBlock) ?? 0));
      }
    },
  };
}

function summary(sorted: readonly number[]): { p50: number; p99: number; max: number } {
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1]! };
}

const ms = (s: { p50: number; p99: number; max: number }): string =>
  `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const keyBlocks = Number(process.env.ACTIVATION_KEY_BLOCKS ?? 30);
  if (!Number.isInteger(keyBlocks) || keyBlocks < 1) {
    throw new Error(`ACTIVATION_KEY_BLOCKS must be a positive integer, got ${keyBlocks}`);
  }
  const dirs: string[] = [];
  const nodes: BenchNode[] = [];
  const start = async (args: string[], onLine?: (line: string) => void): Promise<PoaNode> => {
    const dir = mkdtempSync(join(tmpdir(), 'altostream-poa-'));
    dirs.push(dir);
    const node = await startNode(
      dir,
      [
        '--no-mine',
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--max-peers-per-ip',
        '0',
        '--regtest-bootstrap-stake',
        BOOTSTRAP_STAKE,
        ...args,
      ],
      [],
      onLine,
    );
    nodes.push(node);
    return { ...node, datadir: dir };
  };
  try {
    const logs = logTimes();
    const leader = await start(['--microblock-interval', '0.05'], logs.onLine);
    const leaderAddress = (await json<{ listen: string[] }>(`${leader.url}/status`)).listen[0]!;
    const validators = await Promise.all(
      Array.from({ length: VALIDATORS }, () =>
        start(['--validator', '--bootstrap', leaderAddress], logs.onLine),
      ),
    );
    const all = [leader, ...validators];
    await until(30_000, 'every validator is meshed with the leader', async () => {
      const { peers } = await json<{ peers: { mesh: string[] }[] }>(`${leader.url}/peers`);
      return peers.length === VALIDATORS && peers.every((p) => p.mesh.includes('endorsement'));
    });

    // Fund each validator from the faucet in a bootstrap epoch, then bond STAKE_ALTO each.
    log(`activation: funding and staking ${VALIDATORS} validators`);
    await mine(leader);
    const addresses = await Promise.all(
      validators.map(
        async (v) => (await json<{ validator: { address: string } }>(`${v.url}/status`)).validator.address,
      ),
    );
    const funding = await Promise.all(
      addresses.map(async (to, i) => {
        const tx = buildTransfer({
          seed: FAUCET_SEED,
          to,
          amount: 10n * 10n ** 18n,
          nonce: BigInt(i),
          minFeeRate: 2n * MIN_RELAY_FEE_RATE,
          params: REGTEST,
        });
        return (
          await json<{ id: string }>(`${leader.url}/txs`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: hex(encodeTx(tx)),
          })
        ).id;
      }),
    );
    await until(30_000, 'the funding confirms', () => confirmed(leader, funding));
    // Each validator's own key: its wallet also holds the regtest faucet key, which would pay first.
    const stakes = await Promise.all(
      validators.map(async (v, i) => {
        const { stdout } = await promisify(execFile)(process.execPath, [
          CLI,
          'wallet',
          'stake',
          `${STAKE_ALTO}`,
          '--role',
          'validator',
          '--datadir',
          v.datadir,
          '--from',
          addresses[i]!,
          '--api',
          leader.url,
        ]);
        return stdout.trim();
      }),
    );
    await until(30_000, 'the stakes confirm', () => confirmed(leader, stakes));
    const tipOf = async (node: BenchNode): Promise<string> =>
      (await json<{ tip: { id: string } }>(`${node.url}/state/digest`)).tip.id;
    const converged = async (): Promise<boolean> => {
      const tips = await Promise.all(all.map(tipOf));
      return tips.every((tip) => tip === tips[0]);
    };

    const atLeader = await arrivals(leader);
    const atValidator = await arrivals(validators[0]!);
    const toLeader: number[] = [];
    const toValidator: number[] = [];
    const leaderWait: number[] = [];
    const toFirstSigned: number[] = [];
    const toLastSigned: number[] = [];
    const lastSignedToActivated: number[] = [];
    const endorsementCounts: number[] = [];
    log(`activation: ${keyBlocks} key blocks (after ${WARM_UP} to warm up), ${VALIDATORS} validators`);
    for (let i = -WARM_UP; i < keyBlocks; i++) {
      // Every validator holds the tip: the draw's snapshot and K's prev are on its best chain.
      await until(30_000, 'every node holds the tip', converged);
      const { id, acceptedAt } = await mine(leader);
      await until(30_000, `key block ${id} is activated on the leader and on a validator`, () => {
        return atLeader.seen.has(id) && atValidator.seen.has(id);
      });
      const block = await json<{ activation: string; endorsers: unknown[] | null }>(
        `${leader.url}/blocks/${id}`,
      );
      if (block.activation !== 'endorsed')
        throw new Error(`key block ${id} is ${block.activation}, not endorsed`);
      if (i < 0) continue;
      toLeader.push(atLeader.seen.get(id)! - acceptedAt);
      toValidator.push(atValidator.seen.get(id)! - acceptedAt);
      await until(5_000, 'the leader logs the activation', () => logs.activated.has(id));
      const [waits, firstSigned, lastSigned, activated] = [
        logs.waits,
        logs.firstSigned,
        logs.lastSigned,
        logs.activated,
      ].map((m) => m.get(id)!);
      leaderWait.push(activated! - waits!);
      toFirstSigned.push(firstSigned! - waits!);
      toLastSigned.push(lastSigned! - waits!);
      lastSignedToActivated.push(activated! - lastSigned!);
      endorsementCounts.push(block.endorsers?.length ?? 0);
      if ((i + 1) % 5 === 0 || i + 1 === keyBlocks) {
        const recent = toLeader.slice(-5).map((x) => x.toFixed(0));
        log(
          `activation: ${i + 1}/${keyBlocks} key blocks; leader latency of the last ones ${recent.join(', ')} ms`,
        );
      }
    }
    atLeader.close();
    atValidator.close();

    const leaderMs = summary([...toLeader].sort((a, b) => a - b));
    const validatorMs = summary([...toValidator].sort((a, b) => a - b));
    const waitMs = summary([...leaderWait].sort((a, b) => a - b));
    const firstSignedMs = summary([...toFirstSigned].sort((a, b) => a - b));
    const signedMs = summary([...toLastSigned].sort((a, b) => a - b));
    const afterSignedMs = summary([...lastSignedToActivated].sort((a, b) => a - b));
    const full = endorsementCounts.filter((n) => n === REGTEST.poa.slots).length;
    const partial = endorsementCounts.filter(
      (n) => n >= REGTEST.poa.required && n < REGTEST.poa.slots,
    ).length;
    const result = {
      keyBlocks,
      validators: VALIDATORS,
      leaderMs,
      validatorMs,
      leaderLogMs: waitMs,
      toFirstEndorsementSignedMs: firstSignedMs,
      toLastEndorsementSignedMs: signedMs,
      lastEndorsementSignedToActivatedMs: afterSignedMs,
      loadAverage: os.loadavg(),
      sectionsWith5: full,
      sectionsWith3to4: partial,
    };
    log(`activation: ${JSON.stringify(result)}`);
    writeFileSync(
      new URL('./results/activation-summary.json', import.meta.url),
      `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`,
    );
    process.stdout.write(
      `\nactivation (${keyBlocks} key blocks, ${VALIDATORS} validator processes, loopback): ` +
        `K accepted → K + M_{h,0} connected on the leader ${ms(leaderMs)}; ` +
        `on a validator ${ms(validatorMs)}; from the logs (1 ms steps): the leader's wait ${ms(waitMs)}, ` +
        `of it until the first endorsement is signed ${ms(firstSignedMs)}, the last ${ms(signedMs)}, then to M_{h,0} connected ${ms(afterSignedMs)}; ` +
        `sections with ${REGTEST.poa.slots} endorsements ${full}, with ${REGTEST.poa.required}–${REGTEST.poa.slots - 1} ${partial}; ` +
        `load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}\n`,
    );
    return [
      resultFromRounds(
        {
          title: `key block accepted → activated on the leader (${VALIDATORS} validators), per second of latency`,
          unit: 'activation',
          candidates: [{ name: 'endorsement gossip + M_{h,0}', ours: true }],
        },
        [toLeader.map((x) => 1000 / Math.max(x, 0.001))],
      ),
    ];
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
