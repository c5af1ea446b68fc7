// GET /peers: the connected peers, with what their status handshake told us.
import type { FastifyInstance } from 'fastify';
import { errorResponses, noQuery } from '../schemas.js';
import type { ApiModules } from '../server.js';

export function peerRoutes(app: FastifyInstance, mods: ApiModules): void {
  app.get(
    '/peers',
    {
      schema: {
        summary: 'Connected peers',
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: ['peers'],
            properties: {
              peers: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    addresses: { type: 'array', items: { type: 'string' } },
                    direction: { type: 'string' },
                    tipKeyHeight: { type: ['integer', 'null'] },
                    chainWork: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    () => ({ peers: mods.network?.peers() ?? [] }),
  );
}
