// What the Stratum server shows (PROTOCOL.md §11.3): its workers, and in pool
// mode the PPLNS window of shares per address, from which the operator pays.
import type { FastifyInstance } from 'fastify';
import { errorResponses, noQuery } from '../../api-schema/fragments.js';
import { NotFoundError } from '../errors.js';
import type { ApiModules, ApiStratum } from '../server.js';

const workerView = {
  type: 'object',
  required: [
    'worker',
    'connections',
    'difficulty',
    'accepted',
    'stale',
    'duplicate',
    'lowDifficulty',
    'invalid',
    'blocks',
    'hashRate',
    'lastShareMs',
  ],
  properties: {
    /** `address.worker`, as the miner authorized it. */
    worker: { type: 'string' },
    connections: { type: 'integer', minimum: 0 },
    difficulty: { type: 'number' },
    accepted: { type: 'integer', minimum: 0 },
    stale: { type: 'integer', minimum: 0 },
    duplicate: { type: 'integer', minimum: 0 },
    lowDifficulty: { type: 'integer', minimum: 0 },
    invalid: { type: 'integer', minimum: 0 },
    /** Key blocks its shares made that the chain accepted. */
    blocks: { type: 'integer', minimum: 0 },
    /** Hashes per second, estimated from its accepted shares of the last 10 minutes. */
    hashRate: { type: 'number' },
    lastShareMs: { type: ['integer', 'null'] },
  },
} as const;

function stratumOf(mods: ApiModules): ApiStratum {
  if (mods.stratum === undefined || mods.stratum === null) {
    throw new NotFoundError('stratum-off', 'the Stratum server is off: start the node with --stratum');
  }
  return mods.stratum;
}

export function stratumRoutes(app: FastifyInstance, mods: ApiModules): void {
  app.get(
    '/stratum/workers',
    {
      schema: {
        summary: "The Stratum server's workers: share counts, difficulty, estimated hash rate",
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: ['workers'],
            properties: { workers: { type: 'array', items: workerView } },
          },
          ...errorResponses,
        },
      },
    },
    () => ({ workers: stratumOf(mods).workers() }),
  );

  app.get(
    '/pool/shares',
    {
      schema: {
        summary: "Pool mode: each address's difficulty-weighted shares in the PPLNS window",
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: ['windowDifficulty', 'windowFactor', 'totalDifficulty', 'miners'],
            properties: {
              windowDifficulty: { type: 'number' },
              windowFactor: { type: 'number' },
              totalDifficulty: { type: 'number' },
              miners: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['address', 'difficulty', 'shares', 'fraction'],
                  properties: {
                    address: { type: 'string' },
                    difficulty: { type: 'number' },
                    shares: { type: 'integer', minimum: 0 },
                    fraction: { type: 'number' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    () => {
      const shares = stratumOf(mods).poolShares();
      if (shares === null) {
        throw new NotFoundError(
          'not-a-pool',
          'the Stratum server runs solo: pool shares need --stratum-mode pool',
        );
      }
      return shares;
    },
  );
}
