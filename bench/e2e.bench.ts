// End to end: transfers submitted through POST /txs by a load client on
// loopback to a real devnet node process, until each is confirmed in a
// microblock. Reports the sustained confirmed rate and the time from submit
// to inclusion (p50/p99). E2E_RATE (tx/s, default 2000) and E2E_SECONDS
// (default 20) set the offered load; the node is the built CLI (npm run build).
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPublicKey } from '../src/crypto/ed25519.js';
import { sha256 } from '../src/crypto/hash.js';
import { accountId, encodeAddress } from '../src/protocol/address.js';
import { REGTEST } from '../src/protocol/params.js';
import { encodeTx, txId, type Tx } from '../src/protocol/tx.js';
import { faucetKey } from '../src/wallet/keystore.js';
import { MIN_RELAY_FEE_RATE } from '../src/protocol/policy.js';
import { buildTransfer } from '../src/wallet/send.js';
import { followBlocks, startNode } from './node-process.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';

const SENDERS = 512;
const FUND_PER_SENDER = 1000n * 10n ** 18n;
const WINDOW_MS = 5000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const FAUCET_SEED = faucetKey(REGTEST)!.seed;

/** A transfer at twice the minimum relay fee rate, signed, with its hex and id. */
function signedTransfer(
  seed: Uint8Array,
  to: Uint8Array,
  amount: bigint,
  nonce: bigint,
): { tx: Tx; hex: string; id: string } {
  const tx = buildTransfer({
    seed,
    to: encodeAddress(REGTEST.hrp, to),
    amount,
    nonce,
    minFeeRate: 2n * MIN_RELAY_FEE_RATE,
    params: REGTEST,
  });
  return { tx, hex: hex(encodeTx(tx)), id: hex(txId(tx)) };
}

const refusals = new Map<string, number>();
// node:http with a keep-alive pool costs the load client far less CPU per request than fetch.
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(url: string, body: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/txs`,
      { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': body.length } },
      (response) => {
        let answer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (answer += chunk));
        response.on('end', () => {
          const ok = response.statusCode === 200;
          if (!ok) {
            const code = (JSON.parse(answer) as { code?: string }).code ?? '?';
            refusals.set(code, (refusals.get(code) ?? 0) + 1);
          }
          resolve(ok);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const rate = Number(process.env.E2E_RATE ?? 2000);
  const seconds = Number(process.env.E2E_SECONDS ?? 20);
  const datadir = mkdtempSync(join(tmpdir(), 'altostream-e2e-'));
  const node = await startNode(
    datadir,
    ['--block-interval', '10'],
    // E2E_NODE_FLAGS passes node flags to the node process, e.g. --cpu-prof.
    (process.env.E2E_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
  );
  const included = new Map<string, number>();
  const waiters = new Set<() => void>();
  const stopFollowing = await followBlocks(node.url, async (block) => {
    if (block.kind !== 'micro') return;
    const micro = (await (await fetch(`${node.url}/blocks/${block.id}`)).json()) as { txs: string[] };
    for (const txid of micro.txs) included.set(txid, block.atMs);
    for (const wake of waiters) wake();
  });
  const waitIncluded = async (ids: readonly string[], timeoutMs: number): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    while (!ids.every((id) => included.has(id))) {
      if (performance.now() > deadline)
        throw new Error(`${ids.filter((id) => !included.has(id)).length} transactions not included`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 250);
      });
    }
  };
  try {
    // Fund the senders from the faucet, 64 at a time (the per-sender queue limit).
    const seeds = Array.from({ length: SENDERS }, (_, i) =>
      sha256(new TextEncoder().encode(`e2e sender ${i}`)),
    );
    for (let batch = 0; batch < SENDERS; batch += 64) {
      const funding = seeds
        .slice(batch, batch + 64)
        .map((seed, i) =>
          signedTransfer(FAUCET_SEED, accountId(getPublicKey(seed)), FUND_PER_SENDER, BigInt(batch + i)),
        );
      for (const f of funding) if (!(await post(node.url, f.hex))) throw new Error('funding refused');
      await waitIncluded(
        funding.map((f) => f.id),
        30_000,
      );
    }
    const total = Math.round(rate * seconds);
    log(`e2e: signing ${total} transfers from ${SENDERS} senders`);
    const sink = new Uint8Array(20).fill(0xee);
    const txs = Array.from({ length: total }, (_, i) =>
      signedTransfer(seeds[i % SENDERS]!, sink, 1n, BigInt(Math.floor(i / SENDERS))),
    );
    log(`e2e: offering ${rate} tx/s for ${seconds} s to ${node.url}`);
    const submittedAt = new Map<string, number>();
    let refused = 0;
    const started = performance.now();
    let next = 0;
    const inFlight = new Set<Promise<void>>();
    let lastReport = started;
    while (next < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; next < due; next++) {
        const t = txs[next]!;
        submittedAt.set(t.id, performance.now());
        const p = post(node.url, t.hex).then((ok) => {
          if (!ok) refused++;
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
      if (performance.now() - lastReport > WINDOW_MS) {
        lastReport = performance.now();
        log(
          `e2e: ${next} submitted, ${[...submittedAt.keys()].filter((id) => included.has(id)).length} included`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inFlight);
    const submitSeconds = (performance.now() - started) / 1000;
    await waitIncluded(
      txs.map((t) => t.id),
      60_000,
    ).catch((error: unknown) => {
      log(`e2e: ${String(error)}`);
    });
    const latencies: number[] = [];
    const inclusionTimes: number[] = [];
    for (const [id, at] of submittedAt) {
      const inc = included.get(id);
      if (inc === undefined) continue;
      latencies.push(inc - at);
      inclusionTimes.push(inc);
    }
    latencies.sort((a, b) => a - b);
    const lastInclusion = Math.max(...inclusionTimes);
    const sustained = latencies.length / ((lastInclusion - started) / 1000);
    // Confirmed transactions per window, the rounds of the throughput table.
    const windows: number[] = [];
    for (let from = started; from + WINDOW_MS <= lastInclusion; from += WINDOW_MS) {
      windows.push(
        inclusionTimes.filter((x) => x >= from && x < from + WINDOW_MS).length / (WINDOW_MS / 1000),
      );
    }
    const summary = {
      offeredRate: rate,
      submitted: total,
      submitRate: total / submitSeconds,
      refused,
      confirmed: latencies.length,
      sustainedRate: sustained,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1],
    };
    log(`e2e: ${JSON.stringify(summary)}; refusals ${JSON.stringify(Object.fromEntries(refusals))}`);
    const file = new URL('./results/e2e-latency.json', import.meta.url);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...summary }, null, 2)}\n`);
    process.stdout.write(
      `\ne2e: ${summary.confirmed}/${total} confirmed, sustained ${sustained.toFixed(0)} tx/s ` +
        `(offered ${rate}); submit → microblock p50 ${summary.p50Ms.toFixed(0)} ms, p99 ${summary.p99Ms.toFixed(0)} ms; ${refused} refused\n`,
    );
    return [
      resultFromRounds(
        {
          title: `POST /txs → microblock, offered ${rate} tx/s`,
          unit: 'tx',
          candidates: [{ name: 'node', ours: true }],
        },
        [windows.length > 0 ? windows : [sustained]],
      ),
    ];
  } finally {
    stopFollowing();
    await node.stop();
    rmSync(datadir, { recursive: true, force: true });
  }
}
