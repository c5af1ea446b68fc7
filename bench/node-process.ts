// A node process for the end-to-end benches: the built CLI (npm run build),
// JSON logs (each line to `onLine`, if given), a free API port; resolves once
// its API answers.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { scanNonces } from '../src/crypto/pow.js';
import { encodeAddress } from '../src/protocol/address.js';
import { REGTEST } from '../src/protocol/params.js';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export interface BenchNode {
  readonly url: string;
  readonly pid: number;
  readonly token: string;
  stop(): Promise<void>;
}

export async function startNode(
  datadir: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
  onLine?: (line: string) => void,
): Promise<BenchNode> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, CLI, 'node', '--datadir', datadir, '--api-port', '0', '--log-format', 'json', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the node exited with ${code}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      onLine?.(line);
      const match = /"api":"([^"]+)"/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
  return {
    url,
    pid: child.pid!,
    token: readFileSync(join(datadir, 'api-token'), 'utf8').trim(),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ConnectedBlock {
  readonly id: string;
  readonly kind: 'key' | 'micro';
  /** performance.now() when the event arrived. */
  readonly atMs: number;
}

/** Follows a node's block_connected events; `onBlock` may be async (they are handled in order). */
export async function followBlocks(
  url: string,
  onBlock: (block: ConnectedBlock) => void | Promise<void>,
): Promise<() => void> {
  const controller = new AbortController();
  const response = await fetch(`${url}/events?types=block_connected`, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const atMs = performance.now();
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: ([0-9a-f]{64})$/m.exec(event)?.[1];
          if (id === undefined) continue;
          await onBlock({ id, kind: event.includes('"kind":"micro"') ? 'micro' : 'key', atMs });
        }
      }
    } catch {
      // closed by the caller
    }
  })();
  return () => {
    controller.abort();
  };
}

/** GET (or `init`) `url` as JSON; a non-2xx answer throws with its body. */
export async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls `check` every 2 ms until it holds; throws naming `what` after `ms`. */
export async function until(
  ms: number,
  what: string,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await delay(2);
  }
}

const PAYOUT = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x9a));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Mines a key block on `node`'s tip; resolves when the node has accepted it (performance.now then). */
export async function mine(node: BenchNode): Promise<{ id: string; acceptedAt: number }> {
  const auth = { authorization: `Bearer ${node.token}` };
  const t = await json<{ header: string; body: string; target: string }>(
    `${node.url}/mining/template?payout=${PAYOUT}`,
    { headers: auth },
  );
  const header = Uint8Array.from(Buffer.from(t.header, 'hex'));
  const hit = scanNonces(header, Uint8Array.from(Buffer.from(t.target, 'hex')).reverse(), 0, 100_000);
  if (hit === null) throw new Error('no nonce');
  new DataView(header.buffer).setUint32(76, hit.nonce, true);
  const r = await json<{ accepted: boolean; reason: string | null; id: string }>(
    `${node.url}/mining/submit`,
    {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ hex: hex(header) + t.body }),
    },
  );
  const acceptedAt = performance.now();
  if (!r.accepted) throw new Error(`block refused: ${r.reason}`);
  return { id: r.id, acceptedAt };
}
