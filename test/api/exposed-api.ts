// The HTTP API over a harness chain with stub mining and network parts that
// count their calls: for the tests of what makes the API safe to expose
// (token, rate limit, CORS, warning, input limits). Not a test file itself.
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApi, startApi, type ApiModules, type ApiNetwork } from '../../src/api/server.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { REGTEST } from '../../src/protocol/params.js';
import { createLogger } from '../../src/util/logger.js';
import { ChainHarness, HARNESS_NOW_MS } from '../helpers/chain-harness.js';

export const TOKEN = 'c0ffee'.repeat(8);

/** What the stubs were asked to do: a token route that ran its handler shows here. */
export interface Calls {
  template: number;
  submit: number;
  connect: string[];
}

function stubNetwork(calls: Calls): ApiNetwork {
  return {
    peerId: 'stub-peer',
    listenAddresses: () => [],
    peerCount: () => 0,
    connect: (address) => {
      calls.connect.push(address);
      return Promise.resolve('remote-peer');
    },
    peers: () => [],
    disconnected: () => [],
    syncProgress: () => ({ syncing: false, height: 0, target: 0, rate: 0, etaS: null }),
    banned: () => [],
    discouraged: () => [],
    gossipCounters: () => ({}),
  };
}

export function exposedModules(t: Test, calls: Calls, overrides: Partial<ApiModules> = {}): ApiModules {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const now = (): number => HARNESS_NOW_MS;
  return {
    chain: h.chain,
    mempool: new Mempool({}, { chain: h.chain, params: REGTEST, now }),
    mining: {
      template: () => {
        calls.template++;
        return undefined;
      },
      submit: () => {
        calls.submit++;
        return { accepted: false, reason: 'stub', id: '00'.repeat(32), result: null };
      },
      candidates: () => [],
      hashRate: () => 0,
      hashes: () => 0,
      pausedForMs: () => null,
      active: false,
    },
    params: REGTEST,
    network: stubNetwork(calls),
    token: TOKEN,
    now,
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  };
}

export function newCalls(): Calls {
  return { template: 0, submit: 0, connect: [] };
}

/** buildApi (no socket, fastify's inject), closed on teardown. */
export async function builtApi(t: Test, overrides: Partial<ApiModules> = {}): Promise<FastifyInstance> {
  const app = await buildApi(exposedModules(t, newCalls(), overrides));
  t.teardown(() => app.close());
  return app;
}

/** startApi on `host`, a free port, closed on teardown. */
export async function listeningApi(
  t: Test,
  host: string,
  overrides: Partial<ApiModules> = {},
): Promise<{ app: FastifyInstance; port: number }> {
  const app = await startApi({ host, port: 0 }, exposedModules(t, newCalls(), overrides));
  t.teardown(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the API has no port');
  return { app, port: address.port };
}
