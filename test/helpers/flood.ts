// What the flood tests build and measure: near-full microblocks made from one
// set of signed transfers, and a node process's disk and memory.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tx } from '../../src/protocol/tx.js';
import type { NetNode } from './network.js';
import { transfer } from './txs.js';

/** Transfers that fill a microblock to ~0.96 MB of its 1,000,000 bytes (§3.3). */
export const FULL_BLOCK_TXS = 5800;

/** `count` signed transfers with nonces 0… (valid bytes; whether they apply does not matter here). */
export function signedTransfers(count: number = FULL_BLOCK_TXS): Tx[] {
  return Array.from({ length: count }, (_, i) =>
    transfer(new Uint8Array(20).fill(0x5e), 1n, { nonce: BigInt(i) }),
  );
}

/** Bytes of every file in `node`'s data directory (LMDB, keys, logs). */
export function dirBytes(node: Pick<NetNode, 'datadir'>): number {
  const walk = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (sum, e) => sum + (e.isDirectory() ? walk(join(dir, e.name)) : statSync(join(dir, e.name)).size),
      0,
    );
  return walk(node.datadir);
}

/** The resident memory of `node`'s process, in bytes (Linux /proc). */
export function rssBytes(node: Pick<NetNode, 'proc'>): number {
  const status = readFileSync(`/proc/${node.proc.child.pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(kb) * 1024;
}

/** CPU time (user + system) in ms from a /proc stat file (Linux; clock ticks of 10 ms). */
function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // Fields 14 and 15, counted after the command name in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time a process has used so far, all threads, in ms. */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * CPU time `node`'s main thread has used, in ms: where gossip, the chain and
 * the API run; the miner has threads of its own.
 */
export function mainThreadCpuMs(node: Pick<NetNode, 'proc'>): number {
  const pid = node.proc.child.pid;
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}
