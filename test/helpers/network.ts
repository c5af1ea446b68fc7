// Real node processes with P2P on 127.0.0.1, driven through their HTTP API:
// start, connect, mine a key block through the mining routes, read status.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { scanNonces } from '../../src/crypto/pow.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { TOPIC_KINDS } from '../../src/p2p/topics.js';
import { REGTEST } from '../../src/protocol/params.js';
import { BASE_UNITS_PER_ALTO } from '../../src/protocol/amount.js';
import { nodeParams } from '../../src/node/node.js';
import { NodeProcess } from './node-process.js';
import { tempDir } from './temp-dir.js';

export interface Owner {
  teardown(fn: () => unknown): void;
}

export interface NetNode {
  readonly proc: NodeProcess;
  readonly url: string;
  readonly datadir: string;
  readonly token: string;
  /** Our listen multiaddr with /p2p/<id>. */
  readonly address: string;
  readonly peerId: string;
}

export interface NodeStatus {
  readonly height: number;
  readonly tip: { readonly id: string; readonly keyHeight: number };
  readonly peers: number;
  readonly peerId: string;
  readonly listen: string[];
  readonly sync: { readonly syncing: boolean };
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A node listening on a free loopback port, not mining; extra CLI args appended. */
export async function startNetNode(
  owner: Owner,
  args: readonly string[] = [],
  datadir?: string,
): Promise<NetNode> {
  const dir =
    datadir ??
    tempDir((fn) => {
      owner.teardown(fn);
    });
  const { proc, url } = await NodeProcess.start([
    '--datadir',
    dir,
    '--listen',
    '/ip4/127.0.0.1/tcp/0',
    '--no-mine',
    ...args,
  ]);
  owner.teardown(() => {
    proc.kill('SIGKILL');
  });
  const status = await getJson<NodeStatus>(`${url}/status`);
  return {
    proc,
    url,
    datadir: dir,
    token: readFileSync(join(dir, 'api-token'), 'utf8').trim(),
    address: status.listen[0]!,
    peerId: status.peerId,
  };
}

export async function connect(from: NetNode, to: NetNode): Promise<void> {
  await getJson(`${from.url}/peers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${from.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ address: to.address }),
  });
}

/** POST /peers: `node` dials `address`; the answer's status and refusal code ('' when it connected). */
export async function dialFrom(node: NetNode, address: string): Promise<{ status: number; code: string }> {
  const response = await fetch(`${node.url}/peers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ address }),
  });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code ?? '' };
}

export const status = (node: NetNode): Promise<NodeStatus> => getJson<NodeStatus>(`${node.url}/status`);

export const digest = (node: NetNode): Promise<{ digest: string; tip: { id: string; keyHeight: number } }> =>
  getJson(`${node.url}/state/digest`);

const PAYOUT = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x9a));

/**
 * Mines one key block on `node`'s tip through its template and submit routes; returns its id.
 * `time` (Unix s) sets the header time when it is later than the template's: key-block time may
 * run up to 2 h ahead of the clock (§3.5).
 */
export async function mineOn(node: NetNode, opts: { readonly time?: number } = {}): Promise<string> {
  const auth = { authorization: `Bearer ${node.token}` };
  const template = await getJson<{ header: string; body: string; target: string }>(
    `${node.url}/mining/template?payout=${PAYOUT}`,
    {
      headers: auth,
    },
  );
  const header = Uint8Array.from(Buffer.from(template.header, 'hex'));
  const view = new DataView(header.buffer);
  if (opts.time !== undefined && opts.time > view.getUint32(68, true)) view.setUint32(68, opts.time, true);
  const target = Uint8Array.from(Buffer.from(template.target, 'hex')).reverse(); // BE hex → LE256
  const hit = scanNonces(header, target, 0, 100_000);
  if (hit === null) throw new Error('no nonce found');
  view.setUint32(76, hit.nonce, true);
  const result = await getJson<{ accepted: boolean; reason: string | null; id: string }>(
    `${node.url}/mining/submit`,
    {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ hex: Buffer.from(header).toString('hex') + template.body }),
    },
  );
  if (!result.accepted) throw new Error(`block refused: ${result.reason}`);
  return result.id;
}

/** Polls `check` every 50 ms until it holds; fails after `ms` naming `what`. */
export async function until(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await delay(50);
  }
}

/** Whether every node reports the same tip and state digest. */
export async function converged(nodes: readonly NetNode[]): Promise<boolean> {
  const digests = await Promise.all(nodes.map(digest));
  return digests.every((d) => d.digest === digests[0]!.digest && d.tip.id === digests[0]!.tip.id);
}

/**
 * Whether both ends of every link have each other in their gossip mesh of every
 * topic. A forwarded message reaches mesh peers only, and gossipsub grafts a new
 * peer at its next heartbeat: a transaction relayed before then skips that peer.
 */
export async function meshed(links: readonly (readonly [NetNode, NetNode])[]): Promise<boolean> {
  for (const [a, b] of links) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const { peers } = await getJson<{ peers: { id: string; mesh: string[] }[] }>(`${from.url}/peers`);
      const mesh = peers.find((p) => p.id === to.peerId)?.mesh ?? [];
      if (!TOPIC_KINDS.every((kind) => mesh.includes(kind))) return false;
    }
  }
  return true;
}

/** Whether `node` has block `id` on its best chain. */
export async function onBestChain(node: NetNode, id: string): Promise<boolean> {
  const response = await fetch(`${node.url}/blocks/${id}`);
  return response.ok && ((await response.json()) as { bestChain: boolean }).bestChain;
}

/** Mines `count` key blocks on `nodes` in turn, each only once every node of the group has the last one. */
export async function mineRoundRobin(
  nodes: readonly NetNode[],
  count: number,
  onMined?: (i: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = await mineOn(nodes[i % nodes.length]!);
    await until(10_000, `block ${i + 1} reaches every node of the group`, async () =>
      (await Promise.all(nodes.map((n) => onBestChain(n, id)))).every(Boolean),
    );
    await onMined?.(i);
  }
}

/** A key block as GET /blocks/:id shows it, with its Proof-of-Activity fields. */
export interface KeyBlockView {
  readonly activation: 'endorsed' | 'bootstrap' | 'fallback' | 'candidate';
  readonly endorsers: { index: number; validator: string }[] | null;
  readonly bestChain: boolean;
  readonly keyHeight: number;
  readonly time: number;
}

export const keyBlockOf = (node: NetNode, id: string): Promise<KeyBlockView> =>
  getJson(`${node.url}/blocks/${id}`);

/** Regtest's BOOTSTRAP_MIN_VALIDATOR_STAKE for process tests: 100 ALTO, so a few stakes pass it. */
export const LOW_STAKE_FLAG = ['--regtest-bootstrap-stake', '100'];
export const LOW_STAKE_PARAMS = nodeParams({
  network: 'regtest',
  regtestBootstrapStake: 100n * BASE_UNITS_PER_ALTO,
});
