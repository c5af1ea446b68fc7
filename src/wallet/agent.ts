// The unlocked wallet (decision 238), shaped like ssh-agent: `wallet unlock`
// opens the wallet once and forks a small process that holds the seeds in
// memory and answers signing requests over a Unix socket in the data dir
// (0600, in the 0700 data dir). Seeds never leave it, only signatures, and only
// of transaction messages of its own network ("ALTO/<chainId>/tx" ‖ …): it is no
// general signing oracle. It exits at its timeout or on `wallet lock`, removing
// the socket. One request per line, JSON both ways:
//   {"op":"sign","label":"default","publicKey":"<hex>","message":"<hex>"} → {"ok":true,"signature":"<hex>"}
//   {"op":"status"} → {"ok":true,"network":"regtest","labels":[…],"expiresAt":<ms since epoch>}
//   {"op":"lock"}   → {"ok":true}, then it exits
//   any failure     → {"ok":false,"code":"…","message":"…"}
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { chmod, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign } from '../crypto/ed25519.js';
import { NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { domainMessage } from '../protocol/signing-domain.js';
import { equalBytes, fromHex, toHex } from '../util/bytes.js';
import { WalletError } from './errors.js';
import { isPublicKey, type Wallet } from './keystore.js';
import type { Signer } from './signer.js';

export const AGENT_SOCKET = 'wallet-agent.sock';
/** gpg-agent's default-cache-ttl: 600 s. */
export const DEFAULT_UNLOCK_SECONDS = 600;
/** A day: longer than that, the operator wants a passphrase file, not an unlocked wallet. */
export const MAX_UNLOCK_SECONDS = 86_400;
/** A request is one short line; a peer sending more is cut off. */
export const MAX_AGENT_REQUEST_BYTES = 64 * 1024;
/** How long a command waits for the agent to answer, or to start. */
export const AGENT_REPLY_MS = 5_000;
export const AGENT_START_MS = 15_000;

export function agentSocketPath(datadir: string): string {
  return join(datadir, AGENT_SOCKET);
}

type Reply = { ok: true; [field: string]: unknown } | { ok: false; code: string; message: string };

/** What the forked process is handed over its IPC channel (a pipe: never argv or the environment). */
export interface AgentStart {
  readonly socketPath: string;
  readonly network: NetworkName;
  readonly timeoutMs: number;
  readonly keys: readonly { readonly label: string; readonly publicKey: string; readonly seed: string }[];
}

interface HeldKey {
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
}

/** The agent's side: serves `start` until the timeout or a lock; resolves once listening. */
export async function serveAgent(start: AgentStart, onExit: () => void): Promise<Server> {
  const params: NetworkParams = NETWORKS[start.network];
  const prefix = domainMessage(params.chainId, 'tx');
  const keys = new Map<string, HeldKey>(
    start.keys.map((k) => [k.label, { publicKey: fromHex(k.publicKey), seed: fromHex(k.seed) }]),
  );
  const expiresAt = Date.now() + start.timeoutMs;
  const life: { closing: boolean; timer?: NodeJS.Timeout } = { closing: false };
  /** Forgets the keys and removes the socket; a `lock` is answered only after, so an `unlock` that follows cannot lose its new socket to this one's removal. */
  const shutdown = async (): Promise<void> => {
    if (life.closing) return;
    life.closing = true;
    clearTimeout(life.timer);
    for (const key of keys.values()) key.seed.fill(0);
    keys.clear();
    server.close();
    await rm(start.socketPath, { force: true });
  };
  const answer = (request: unknown): Reply => {
    if (typeof request !== 'object' || request === null)
      return refuse('bad-request', 'expected a JSON object');
    const { op, label, publicKey, message } = request as Record<string, unknown>;
    if (op === 'status') return { ok: true, network: start.network, labels: [...keys.keys()], expiresAt };
    if (op === 'lock') return { ok: true };
    if (op !== 'sign') return refuse('bad-request', `unknown op ${JSON.stringify(op)}`);
    const key = typeof label === 'string' ? keys.get(label) : undefined;
    if (key === undefined || typeof publicKey !== 'string' || toHex(key.publicKey) !== publicKey) {
      return refuse(
        'unknown-key',
        `the unlocked wallet holds no key '${String(label)}' with that public key`,
      );
    }
    if (typeof message !== 'string' || !/^([0-9a-f]{2})*$/.test(message)) {
      return refuse('bad-request', 'message is lowercase hex');
    }
    const bytes = fromHex(message);
    if (bytes.length < prefix.length || !equalBytes(bytes.subarray(0, prefix.length), prefix)) {
      return refuse('not-a-tx', `the agent signs ${params.name} transactions only`);
    }
    return { ok: true, signature: toHex(sign(bytes, key.seed)) };
  };
  const server = createServer((socket: Socket) => {
    let buffered = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      if (answered) return;
      buffered += chunk;
      if (buffered.length > MAX_AGENT_REQUEST_BYTES) {
        answered = true;
        socket.end(`${JSON.stringify(refuse('bad-request', 'request too long'))}\n`);
        return;
      }
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      let request: unknown;
      try {
        request = JSON.parse(buffered.slice(0, end));
      } catch {
        request = undefined;
      }
      answered = true;
      const reply = answer(request);
      const line = `${JSON.stringify(reply)}\n`;
      if (reply.ok && (request as { op?: unknown }).op === 'lock') {
        void shutdown().finally(() => socket.end(line, onExit));
      } else {
        socket.end(line);
      }
    });
  });
  await rm(start.socketPath, { force: true }); // a stale socket of an agent that died
  const umask = process.umask(0o077); // the socket is created 0600, never wider even for an instant
  try {
    server.listen(start.socketPath);
    await once(server, 'listening');
  } finally {
    process.umask(umask);
  }
  await chmod(start.socketPath, 0o600);
  life.timer = setTimeout(() => void shutdown().finally(onExit), start.timeoutMs);
  return server;
}

function refuse(code: string, message: string): Reply {
  return { ok: false, code, message };
}

/** One request to the agent; undefined when none listens at `socketPath`. */
export async function askAgent(socketPath: string, request: object): Promise<Reply | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(AGENT_REPLY_MS, () => {
      socket.destroy();
      reject(
        new WalletError(
          'agent-failed',
          `the wallet agent at ${socketPath} did not answer: run \`altostream wallet lock\``,
        ),
      );
    });
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // No socket, or a socket nobody listens on (an agent that was killed): no agent.
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else
        reject(
          new WalletError('agent-failed', `cannot reach the wallet agent at ${socketPath}: ${error.message}`),
        );
    });
    socket.on('end', () => {
      try {
        const reply = JSON.parse(text) as unknown;
        if (
          typeof reply !== 'object' ||
          reply === null ||
          typeof (reply as { ok?: unknown }).ok !== 'boolean'
        )
          throw new Error('no ok');
        resolve(reply as Reply);
      } catch {
        reject(new WalletError('agent-failed', `the wallet agent at ${socketPath} answered nonsense`));
      }
    });
  });
}

export interface AgentStatus {
  readonly network: string;
  readonly labels: readonly string[];
  readonly expiresAt: number;
}

/** The running agent's keys and expiry, or undefined when the wallet is not unlocked. */
export async function agentStatus(datadir: string): Promise<AgentStatus | undefined> {
  const reply = await askAgent(agentSocketPath(datadir), { op: 'status' });
  if (reply === undefined || !reply.ok) return undefined;
  return reply as unknown as AgentStatus;
}

/** Asks the agent to forget its keys and exit; false when none was running. */
export async function lockAgent(datadir: string): Promise<boolean> {
  return (await askAgent(agentSocketPath(datadir), { op: 'lock' })) !== undefined;
}

/**
 * Signs through the agent; resolves undefined when no agent runs or it holds no
 * such key, so the caller can fall back to the passphrase.
 */
export async function agentSign(
  datadir: string,
  label: string,
  publicKey: Uint8Array,
  message: Uint8Array,
): Promise<Uint8Array | undefined> {
  const reply = await askAgent(agentSocketPath(datadir), {
    op: 'sign',
    label,
    publicKey: toHex(publicKey),
    message: toHex(message),
  });
  if (reply === undefined) return undefined;
  if (!reply.ok) {
    if (reply.code === 'unknown-key') return undefined;
    throw new WalletError('agent-failed', `the wallet agent refused: ${reply.code}: ${reply.message}`);
  }
  return typeof reply.signature === 'string' ? fromHex(reply.signature) : new Uint8Array();
}

/** A Signer that asks the agent, then `fallback` (the passphrase) when the agent cannot sign. */
export function agentSigner(datadir: string, fallback: () => Promise<Signer>): Signer {
  return {
    sign: async (label, publicKey, message) =>
      (await agentSign(datadir, label, publicKey, message)) ??
      (await fallback()).sign(label, publicKey, message),
  };
}

/** The agent's entry point, next to this file: agent-main.js when built, agent-main.ts under a TS loader. */
function agentMain(): string {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./agent-main.${ext}`, import.meta.url));
}

/**
 * Locks any agent of `datadir`, then forks a new one holding the secret keys of
 * the unlocked `wallet` for `seconds`; resolves with its pid once it listens.
 */
export async function startAgent(datadir: string, wallet: Wallet, seconds: number): Promise<number> {
  await lockAgent(datadir);
  const params = NETWORKS[wallet.network];
  const start: AgentStart = {
    socketPath: agentSocketPath(datadir),
    network: wallet.network,
    timeoutMs: seconds * 1000,
    keys: wallet.keys
      .filter((k) => !isPublicKey(k, params))
      .map((k) => ({ label: k.label, publicKey: toHex(k.publicKey), seed: toHex(k.seed) })),
  };
  const child = fork(agentMain(), [], {
    detached: true, // its own process group: a Ctrl-C in the terminal that unlocked does not end it
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    execArgv: process.execArgv, // the TS loader under tests; nothing in production
  });
  try {
    const ready = once(child, 'message', { signal: AbortSignal.timeout(AGENT_START_MS) });
    const exited = once(child, 'exit').then(
      ([code]): [Reply] => [refuse('agent-failed', `it exited with code ${String(code)}`)],
      () => [refuse('agent-failed', 'it vanished')] as [Reply],
    );
    child.send(start);
    const [reply] = (await Promise.race([ready, exited])) as [Reply];
    if (!reply.ok) throw new WalletError('agent-failed', `the wallet agent did not start: ${reply.message}`);
  } catch (error) {
    child.kill();
    if (error instanceof WalletError) throw error;
    throw new WalletError('agent-failed', `the wallet agent did not start: ${(error as Error).message}`);
  } finally {
    if (child.connected) child.disconnect();
    child.unref();
  }
  return child.pid!;
}
