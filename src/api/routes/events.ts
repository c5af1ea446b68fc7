// GET /events: Server-Sent Events of the best chain — block_connected,
// block_disconnected, reorg, activation, proposal_tallied and param_applied,
// replayed like the blocks — and,
// live only, candidate (a key block kept waiting for its endorsements) and
// tx_accepted. An indexer resumes without
// missing or repeating a block: `?from=<height>` replays the best chain from
// that key height; the `Last-Event-ID` an EventSource sends back on reconnect
// (the id of the last block it applied) replays the disconnections and
// connections that lead from that block to the tip, even across a reorg that
// happened while it was away. Each stream walks the chain as its client reads
// (api/event-stream.ts); the hub caps how many there are (api/event-hub.ts).
import type { FastifyInstance } from 'fastify';
import type { Entry } from '../../chain/index-entry.js';
import { NotFoundError } from '../errors.js';
import { errorBody, errorResponses, urlInteger } from '../../api-schema/fragments.js';
import type { EventHub } from '../event-hub.js';
import { EVENT_TYPES } from '../event-stream.js';
import type { ApiModules } from '../server.js';
import { fromHex } from '../../util/bytes.js';

export function eventRoutes(app: FastifyInstance, mods: ApiModules, hub: EventHub): void {
  const { chain } = mods;

  /** The block a new stream starts after: undefined for a replay from genesis. */
  function startingPoint(query: { from?: number }, lastEventId: string | undefined): Entry | undefined {
    if (lastEventId !== undefined) {
      const at = /^[0-9a-f]{64}$/.test(lastEventId) ? chain.get(fromHex(lastEventId)) : undefined;
      if (at === undefined)
        throw new NotFoundError('unknown-block', `Last-Event-ID ${lastEventId} is no block here`);
      return at;
    }
    const tip = chain.tip;
    if (query.from === undefined || BigInt(query.from) > tip.keyHeight) return tip;
    if (query.from === 0) return undefined;
    // The best chain's last block before key height `from`: the parent of the key block there.
    return chain.keyAt(BigInt(query.from))?.parent ?? tip;
  }

  app.get(
    '/events',
    {
      schema: {
        summary:
          'Server-Sent Events: block_connected, block_disconnected, reorg, activation, proposal_tallied, param_applied (replayed with the blocks); candidate, tx_accepted (live)',
        querystring: {
          type: 'object',
          properties: {
            from: urlInteger,
            /** Comma-separated event names to receive; all when left out. */
            types: {
              type: 'string',
              pattern: `^(${EVENT_TYPES.join('|')})(,(${EVENT_TYPES.join('|')}))*$`,
              // Every type once, with commas: longer is a repeat.
              maxLength: EVENT_TYPES.join(',').length,
            },
          },
          additionalProperties: false,
        },
        headers: {
          type: 'object',
          properties: { 'last-event-id': { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            description: 'text/event-stream; each data line is one JSON event',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errorResponses,
          503: errorBody,
        },
      },
    },
    (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const query = request.query as { from?: number; types?: string };
      const from = startingPoint(query, Array.isArray(lastEventId) ? lastEventId[0] : lastEventId);
      const types = new Set<string>(query.types?.split(',') ?? EVENT_TYPES);
      if (hub.size >= hub.maxStreams) {
        return reply
          .status(503)
          .header('retry-after', '10')
          .send({
            code: 'too-many-streams',
            message: `${hub.maxStreams} event streams are open, the most this node serves (--api-max-streams): try again later`,
          });
      }
      reply.hijack();
      hub.open(reply.raw, from, types);
      return reply;
    },
  );
}
