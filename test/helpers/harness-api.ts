// The HTTP API on a harness chain, in process (fastify's inject), with a
// mempool and no mining, network or stratum: for route tests that need a
// chain built block by block rather than a running node.
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildApi } from '../../src/api/server.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import { createLogger } from '../../src/util/logger.js';
import { HARNESS_NOW_MS, type ChainHarness } from './chain-harness.js';

/** `params` may differ from the chain's (a raised minimum, as governance would). */
export async function apiOnHarness(
  t: Test,
  h: ChainHarness,
  params: NetworkParams = REGTEST,
): Promise<FastifyInstance> {
  const now = (): number => HARNESS_NOW_MS;
  const app = await buildApi({
    chain: h.chain,
    mempool: new Mempool({}, { chain: h.chain, params, now }),
    mining: {
      template: () => undefined,
      submit: () => {
        throw new Error('no mining here');
      },
      candidates: () => [],
      hashRate: () => 0,
      hashes: () => 0,
      pausedForMs: () => null,
      active: false,
    },
    params,
    network: null,
    token: 'x',
    now,
    logger: createLogger({ level: 'silent' }),
  });
  t.teardown(() => app.close());
  return app;
}
