// Nodes on 127.0.0.1 relaying blocks and transactions over libp2p gossip and
// syncing over request/response, as real processes driven through their API.
import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import {
  converged,
  digest,
  getJson,
  meshed,
  mineOn,
  mineRoundRobin,
  startNetNode,
  status,
  until,
  type NetNode,
} from '../helpers/network.js';
import { SseClient } from '../helpers/sse.js';
import { transfer } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const FEE = 10n ** 11n * 200n;

async function postTx(node: NetNode, nonce: bigint, to: number): Promise<string> {
  const tx = transfer(new Uint8Array(20).fill(to), 10n ** 18n, { fee: FEE, nonce });
  await getJson(`${node.url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: hex(encodeTx(tx)) }),
  });
  return hex(txId(tx));
}

test('4 nodes in a line mine round-robin, converge on one tip and digest, and relay a transfer from A to D', async (t) => {
  //   A — B — C — D
  const a = await startNetNode(t);
  const b = await startNetNode(t, ['--bootstrap', a.address]);
  const c = await startNetNode(t, ['--bootstrap', b.address]);
  const d = await startNetNode(t, ['--bootstrap', c.address]);
  const line = [a, b, c, d];
  // Connected, and each link in both gossip meshes: blocks now travel in well under a
  // second (an orphan's parent is fetched by id), faster than a new peer is grafted.
  await until(10_000, 'the line is connected, each link in both gossip meshes', () =>
    meshed([
      [a, b],
      [b, c],
      [c, d],
    ]),
  );

  for (let i = 0; i < 8; i++) {
    const miner = line[i % 4]!;
    const next = line[(i + 1) % 4]!;
    const id = await mineOn(miner);
    // Round-robin: the next miner builds on this block, so wait until it has it.
    await until(
      10_000,
      `block ${i + 1} reaches the next miner`,
      async () => (await status(next)).tip.id === id,
    );
  }
  const settle = await until(10_000, 'all four on one tip and digest', () => converged(line));
  t.ok(settle < 10_000, `converged ${Math.round(settle)} ms after the last block`);
  t.equal((await status(d)).height, 8);

  const id = await postTx(a, 0n, 0x44);
  await until(10_000, 'the transfer sent to A is confirmed on D', async () => {
    const seen = await fetch(`${d.url}/txs/${id}`);
    return seen.ok && ((await seen.json()) as { status: string }).status === 'confirmed';
  });
  t.pass('confirmed and visible on D');
  await until(10_000, 'converged after the transfer', () => converged(line));
  const account = await getJson<{ balance: string }>(
    `${d.url}/accounts/${encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x44))}`,
  );
  t.equal(account.balance, (10n ** 18n).toString());

  // Clean stop with peers connected: exit 0 within 5 s of SIGTERM.
  for (const node of line) {
    const started = performance.now();
    node.proc.kill('SIGTERM');
    const exit = await node.proc.exited;
    t.equal(exit.code, 0);
    t.ok(performance.now() - started < 5000, `stopped in ${Math.round(performance.now() - started)} ms`);
  }
});

test('a fresh node joining a peer with 300 key blocks and microblocks syncs to the same tip and digest', async (t) => {
  const a = await startNetNode(t, ['--microblock-interval', '0.05']);
  let nonce = 0n;
  for (let i = 0; i < 300; i++) {
    await mineOn(a);
    if (i % 10 === 0) {
      // A's own epoch: its leader puts these in a microblock before the next key block.
      for (let k = 0; k < 3; k++) await postTx(a, nonce++, 0x50 + k);
      await until(
        10_000,
        'the transfers are in a microblock',
        async () => (await getJson<{ count: number }>(`${a.url}/mempool`)).count === 0,
      );
    }
  }
  await until(10_000, 'the last transfers are mined', async () => (await status(a)).height >= 300);
  await until(
    10_000,
    'an empty mempool',
    async () => (await getJson<{ count: number }>(`${a.url}/mempool`)).count === 0,
  );
  const fresh = await startNetNode(t, ['--bootstrap', a.address]);
  const took = await until(60_000, 'the fresh node catches up', async () => converged([a, fresh]));
  t.ok(true, `synced 300 key blocks in ${Math.round(took)} ms`);
  const [da, df] = await Promise.all([digest(a), digest(fresh)]);
  t.equal(df.tip.keyHeight, da.tip.keyHeight);
  t.equal(df.digest, da.digest);
});

test('partition: two pairs mine apart, reconnect, and converge on the heavier chain; the loser returns its transfers to the mempool', async (t) => {
  //   A — B    C — D      apart: A/B mine 12 key blocks, C/D mine 10 (with a transfer)
  //   A — B — C — D      reconnected: C and D reorganise to A/B's chain
  const a = await startNetNode(t);
  const b = await startNetNode(t, ['--bootstrap', a.address]);
  const c = await startNetNode(t);
  const d = await startNetNode(t, ['--bootstrap', c.address]);
  await until(
    10_000,
    'pairs connected',
    async () => (await status(b)).peers >= 1 && (await status(d)).peers >= 1,
  );
  const events = await SseClient.open(`${d.url}/events?types=block_connected,block_disconnected,reorg`);
  t.teardown(() => {
    events.close();
  });
  await mineRoundRobin([a, b], 12);
  let lostTx = '';
  await mineRoundRobin([c, d], 10, async (i) => {
    if (i !== 4) return;
    const id = await postTx(c, 0n, 0x66);
    lostTx = id;
    await until(10_000, 'the transfer is in a microblock on C/D', async () => {
      const seen = await getJson<{ status: string }>(`${c.url}/txs/${id}`);
      return seen.status === 'confirmed';
    });
  });
  await until(10_000, 'each pair agrees', async () => (await converged([a, b])) && (await converged([c, d])));
  const losing = await digest(d);
  t.equal(losing.tip.keyHeight, 10);

  await getJson(`${b.url}/peers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ address: c.address }),
  });
  const took = await until(30_000, 'all four converge', () => converged([a, b, c, d]));
  t.ok(true, `converged ${Math.round(took)} ms after reconnecting`);
  t.equal((await digest(d)).tip.keyHeight, 12, 'on the heavier chain');
  t.equal(
    (await digest(d)).digest,
    (await digest(a)).digest,
    'the state of a node that only saw the winning chain',
  );
  // Back in C's mempool — or, if a leader of the winning chain already took it from there, confirmed again.
  const returned = await getJson<{ status: string; block: { keyHeight: number } | null }>(
    `${c.url}/txs/${lostTx}`,
  );
  t.ok(
    returned.status === 'pending' || returned.block !== null,
    `the losing branch's transfer is ${returned.status}, not lost`,
  );

  await events.wait((m) => m.some((e) => e.event === 'reorg'));
  const kinds = events.messages.map((m) => m.event);
  t.ok(kinds.indexOf('block_disconnected') > 0, 'the reorg disconnects');
  // D may reorganise more than once as the winning chain arrives (a key block on an earlier
  // microblock of its epoch disconnects the later ones): each reorg is told as its disconnects,
  // then its connects, then its `reorg` event.
  const groups: string[][] = [];
  let group: string[] | null = null;
  for (const kind of kinds) {
    if (group === null && kind !== 'block_disconnected') continue;
    group ??= [];
    group.push(kind);
    if (kind === 'reorg') {
      groups.push(group);
      group = null;
    }
  }
  t.ok(groups.length >= 1, `${groups.length} reorg(s) told`);
  for (const [i, g] of groups.entries()) {
    const connects = g.indexOf('block_connected');
    t.ok(
      connects > 0 &&
        g.slice(0, connects).every((k) => k === 'block_disconnected') &&
        g.slice(connects, -1).every((k) => k === 'block_connected'),
      `reorg ${i + 1}: its disconnects, then its connects, then the reorg event`,
    );
  }
});

test('a solo node with P2P on publishes to no one without an error, and keeps its peer id across restarts', async (t) => {
  const solo = await startNetNode(t, ['--microblock-interval', '0.05']);
  for (let i = 0; i < 3; i++) await mineOn(solo);
  const id = await postTx(solo, 0n, 0x77);
  await until(10_000, 'the transfer is confirmed', async () => {
    const seen = await getJson<{ status: string }>(`${solo.url}/txs/${id}`);
    return seen.status === 'confirmed';
  });
  t.same(
    solo.proc.lines.filter((line) => (line.level ?? 0) >= 50),
    [],
    'no error-level log line',
  );
  solo.proc.kill('SIGTERM');
  t.equal((await solo.proc.exited).code, 0);
  const again = await startNetNode(t, [], solo.datadir);
  t.equal(again.peerId, solo.peerId, 'the peer key lives in the data dir');
});
