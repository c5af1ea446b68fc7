// GET /peers: the connected peers, with what their status handshake told us;
// bans, discouraged addresses, our disconnects and gossip verdicts.
// POST /peers (token): connect to a peer now.
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.js';
import { errorBody, errorResponses, noQuery } from '../../api-schema/fragments.js';
import type { ApiModules, RequireToken } from '../server.js';

/** The longest multiaddr POST /peers takes, in characters. */
const MAX_PEER_ADDRESS = 512;
/** That address with every character JSON-escaped (`\uXXXX`, 6 bytes), and the JSON around it. */
export const PEER_BODY_LIMIT = 6 * MAX_PEER_ADDRESS + 1024;

export function peerRoutes(app: FastifyInstance, mods: ApiModules, requireToken: RequireToken): void {
  app.post(
    '/peers',
    {
      bodyLimit: PEER_BODY_LIMIT,
      preHandler: requireToken,
      schema: {
        summary: 'Connect to a peer by multiaddr (with /p2p/<id>)',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          required: ['address'],
          properties: { address: { type: 'string', minLength: 1, maxLength: MAX_PEER_ADDRESS } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', required: ['peer'], properties: { peer: { type: 'string' } } },
          ...errorResponses,
          401: errorBody,
        },
      },
    },
    async (request) => {
      const network = mods.network;
      if (network === null)
        throw new BadRequestError('p2p-off', 'this node runs without P2P: start it with --listen');
      const { address } = request.body as { address: string };
      try {
        return { peer: await network.connect(address) };
      } catch (error) {
        throw new BadRequestError(
          'dial-failed',
          `could not connect to ${address}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  );

  app.get(
    '/peers',
    {
      schema: {
        summary:
          'Connected and banned peers, discouraged addresses, the disconnects we chose and why, and gossip verdicts per topic',
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: ['peers', 'banned', 'discouraged', 'disconnected', 'gossip'],
            properties: {
              disconnected: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    peer: { type: 'string' },
                    atMs: { type: 'integer' },
                    reason: { type: 'string' },
                    detail: { type: ['string', 'null'] },
                  },
                },
              },
              banned: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    peer: { type: 'string' },
                    address: { type: ['string', 'null'] },
                    until: { type: 'integer' },
                    reason: { type: 'string' },
                  },
                },
              },
              discouraged: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    address: { type: 'string' },
                    bans: { type: 'integer' },
                    until: { type: 'integer' },
                  },
                },
              },
              gossip: {
                type: 'object',
                additionalProperties: {
                  type: 'object',
                  properties: {
                    accepted: { type: 'integer' },
                    ignored: { type: 'integer' },
                    rejected: { type: 'integer' },
                    dropped: { type: 'integer' },
                    purged: { type: 'integer' },
                    queued: { type: 'integer' },
                  },
                },
              },
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
                    mesh: { type: 'array', items: { type: 'string' } },
                    score: { type: 'number' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    () => ({
      peers: mods.network?.peers() ?? [],
      banned: mods.network?.banned() ?? [],
      discouraged: mods.network?.discouraged() ?? [],
      disconnected: mods.network?.disconnected() ?? [],
      gossip: mods.network?.gossipCounters() ?? {},
    }),
  );
}
