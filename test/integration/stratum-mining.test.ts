// Stratum v1 against a real node (PROTOCOL.md §11.3): the tests' own client,
// which rebuilds headers as cpuminer-opt does and scans nonces with the WASM
// yespower, mines key blocks through the node — solo paying the worker, pool
// paying the operator — and every worker hears of a new key block at once.
import { test } from 'tap';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import { getJson, status, until } from '../helpers/network.js';
import { StratumClient } from '../helpers/stratum-client.js';
import { transfer } from '../helpers/txs.js';
import { addressOf, blockIdOf, jobOn, latestJob, login, startStratumNode } from '../helpers/stratum-node.js';

interface BlockView {
  readonly hex: string;
  readonly payout: string;
  readonly keyHeight: number;
  readonly bestChain: boolean;
}

test('solo: a worker mines a key block that pays its address, and the node stores the header it hashed, byte for byte', async (t) => {
  const node = await startStratumNode(t);
  const worker = addressOf('regtest', 0x31);
  const miner = await login(t, node, `${worker}.rig1`);
  t.equal(miner.job.cleanJobs, true, 'the first job is clean');
  t.equal(miner.client.difficulty, 2 ** -15, "regtest's block target allows no harder share than 2^-15");

  const share = miner.client.findShare(miner.job, { extranonce2: StratumClient.extranonce2For(1) });
  t.ok(share, 'a share within 10,000 nonces');
  const answer = await miner.client.submit(miner.user, share!);
  t.same(answer, { result: true, error: null });

  const id = blockIdOf(share!.header);
  await until(10_000, 'the key block is the tip', async () => (await status(node)).tip.id === id);
  const block = await getJson<BlockView>(`${node.url}/blocks/${id}`);
  t.equal(
    block.hex.slice(0, 160),
    Buffer.from(share!.header).toString('hex'),
    'the stored header is what the client hashed',
  );
  t.equal(
    block.hex.slice(160),
    Buffer.from(miner.client.coinbase(miner.job, share!.extranonce2)).toString('hex'),
    'and the body',
  );
  t.equal(block.payout, worker, "solo: the worker's address");
  t.equal(block.keyHeight, 1);

  const next = await jobOn(miner, id);
  t.equal(next.cleanJobs, true, 'the job on the new key block is clean');
  const found = node.proc.lines.find((l) => l.msg === 'stratum worker found a key block');
  t.equal(found?.worker, `${worker}.rig1`, "the node's log names the worker");

  const { workers } = await getJson<{ workers: { worker: string; accepted: number; blocks: number }[] }>(
    `${node.url}/stratum/workers`,
  );
  t.same(
    workers.map((w) => [w.worker, w.accepted, w.blocks]),
    [[`${worker}.rig1`, 1, 1]],
  );
  const { stratum } = await getJson<{ stratum: { workers: number; mode: string } }>(`${node.url}/status`);
  t.same([stratum.workers, stratum.mode], [1, 'solo']);

  // The block names the node's leader key (§11.2): the node signs this epoch's microblocks.
  const tx = transfer(new Uint8Array(20).fill(0x77), 10n ** 18n, { fee: 10n ** 11n * 200n });
  const txid = Buffer.from(txId(tx)).toString('hex');
  await getJson(`${node.url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: Buffer.from(encodeTx(tx)).toString('hex') }),
  });
  const confirmed = await until(10_000, 'the transfer is in a microblock', async () => {
    const view = await getJson<{ block: { keyHeight: number } | null }>(`${node.url}/txs/${txid}`);
    return view.block !== null;
  }).then(() => getJson<{ block: { keyHeight: number } }>(`${node.url}/txs/${txid}`));
  t.equal(confirmed.block.keyHeight, 1, "in a microblock of the worker's epoch, signed by the node");
});

test("pool: the key block pays the operator's --payout and the worker's share is counted at GET /pool/shares", async (t) => {
  const operator = addressOf('regtest', 0x0e);
  const node = await startStratumNode(t, ['--stratum-mode', 'pool', '--payout', operator]);
  const worker = addressOf('regtest', 0x32);
  const miner = await login(t, node, `${worker}.box`);
  const share = miner.client.findShare(miner.job, { extranonce2: StratumClient.extranonce2For(1) })!;
  t.same(await miner.client.submit(miner.user, share), { result: true, error: null });
  const id = blockIdOf(share.header);
  await until(10_000, 'the key block is the tip', async () => (await status(node)).tip.id === id);
  const block = await getJson<BlockView>(`${node.url}/blocks/${id}`);
  t.equal(block.payout, operator, "pool: the operator's address");
  t.equal(block.hex.slice(0, 160), Buffer.from(share.header).toString('hex'));
  const pool = await getJson<{ miners: { address: string; shares: number; fraction: number }[] }>(
    `${node.url}/pool/shares`,
  );
  t.same(pool.miners, [{ address: worker, difficulty: 2 ** -15, shares: 1, fraction: 1 }]);
});

test('a new key block sends clean_jobs to every worker at once, with the built-in miner running too', async (t) => {
  const node = await startStratumNode(t, ['--mine', '--block-interval', '1']);
  const a = await login(t, node, `${addressOf('regtest', 0x41)}.a`);
  const b = await login(t, node, `${addressOf('regtest', 0x42)}.b`);
  await until(10_000, 'the built-in miner mines a key block', async () =>
    node.proc.lines.some((l) => l.msg === 'mined a key block'),
  );
  const latencies: number[] = [];
  for (let round = 0; latencies.length < 6 && round < 10; round++) {
    const share = a.client.findShare(latestJob(a), { extranonce2: StratumClient.extranonce2For(round + 1) })!;
    const id = blockIdOf(share.header);
    const sentAt = Date.now();
    const answer = await a.client.submit(a.user, share);
    if (answer.result !== true) continue; // the built-in miner's block made the job stale first
    const heard = await Promise.all([a, b].map((m) => jobOn(m, id)));
    t.ok(
      heard.every((j) => j.cleanJobs),
      `round ${round}: both jobs on the new block are clean`,
    );
    latencies.push(...heard.map((j) => j.atMs - sentAt));
  }
  t.ok(latencies.length >= 4, `${latencies.length / 2} rounds measured`);
  t.comment(`submit → clean notify at both workers: ${latencies.map((l) => `${l} ms`).join(', ')}`);
  t.ok(
    Math.max(...latencies) < 1000,
    `every worker heard within ${Math.max(...latencies)} ms (issue: 200 ms)`,
  );
});
