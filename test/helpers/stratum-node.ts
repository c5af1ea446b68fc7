// A real node with its Stratum server on, and the tests' own Stratum client
// (stratum-client.ts) logged in to it: subscribed, authorized, first job in hand.
import { createHash } from 'node:crypto';
import { encodeAddress } from '../../src/protocol/address.js';
import { NETWORKS, type NetworkName } from '../../src/protocol/params.js';
import { getJson, startNetNode, until, type NetNode, type Owner } from './network.js';
import { StratumClient, parseNotify, type Job, type Share } from './stratum-client.js';

export interface StratumNode extends NetNode {
  readonly stratumPort: number;
}

export async function startStratumNode(owner: Owner, args: readonly string[] = []): Promise<StratumNode> {
  const node = await startNetNode(owner, ['--stratum-port', '0', ...args]);
  const { stratum } = await getJson<{ stratum: { port: number } | null }>(`${node.url}/status`);
  if (stratum === null) throw new Error('the node started without Stratum');
  return { ...node, stratumPort: stratum.port };
}

/** An address of `network` made of one repeated byte. */
export const addressOf = (network: NetworkName, byte: number): string =>
  encodeAddress(NETWORKS[network].hrp, new Uint8Array(20).fill(byte));

export interface Miner {
  readonly client: StratumClient;
  readonly user: string;
  readonly extranonce1: string;
  /** The first job, clean. */
  readonly job: Job;
}

/** Connects, subscribes and authorizes `user`; the connection closes at teardown. */
export async function login(owner: Owner, node: StratumNode, user: string, password = 'x'): Promise<Miner> {
  const client = await StratumClient.connect(node.stratumPort);
  owner.teardown(() => {
    client.close();
  });
  const { extranonce1 } = await client.subscribe();
  const authorized = await client.authorize(user, password);
  if (authorized.result !== true) throw new Error(`authorize ${user}: ${JSON.stringify(authorized.error)}`);
  return { client, user, extranonce1, job: await client.nextNotify() };
}

/** A key block's id: sha256d of its header, hex of the raw bytes (§2.2). */
export function blockIdOf(header: Uint8Array): string {
  return createHash('sha256').update(createHash('sha256').update(header).digest()).digest('hex');
}

/**
 * A share that is not a key block (its hash above the block target), so
 * submitting it leaves the job current; scans on past blocks.
 */
export function plainShare(miner: Miner, job: Job, extranonce2: string, startNonce = 0): Share {
  const blockTarget = StratumClient.bitsTarget(job.nbits)!;
  let start = startNonce;
  for (;;) {
    const share = miner.client.findShare(job, { extranonce2, startNonce: start, maxNonces: 1000 });
    if (share === null) throw new Error('no share in 1,000 nonces');
    if (StratumClient.hashValue(share.hash) > blockTarget) return share;
    start = Number.parseInt(share.nonce, 16) + 1;
  }
}

/** A notify's prevhash for block `id`: its bytes with each 4-byte word reversed (§11.3). */
export function prevhashOf(id: string): string {
  const bytes = Buffer.from(id, 'hex');
  for (let i = 0; i < 32; i += 4) bytes.writeUInt32LE(bytes.readUInt32BE(i), i);
  return bytes.toString('hex');
}

/** The last mining.notify `miner` received, and when. */
export function latestJob(miner: Miner): Job & { atMs: number } {
  const last = miner.client.notifications.filter((n) => n.method === 'mining.notify').at(-1)!;
  return { ...parseNotify(last.params, miner.client.difficulty!), atMs: last.atMs };
}

/** Waits for `miner`'s latest job to build on block `id`. */
export async function jobOn(miner: Miner, id: string): Promise<Job & { atMs: number }> {
  const prevhash = prevhashOf(id);
  await until(5_000, `a job on ${id}`, async () => latestJob(miner).prevhash === prevhash);
  return latestJob(miner);
}
