// GET /events: Server-Sent Events of the best chain — block_connected,
// block_disconnected, reorg — and tx_accepted. An indexer resumes without
// missing or repeating a block: `?from=<height>` replays the best chain from
// that key height; the `Last-Event-ID` an EventSource sends back on reconnect
// (the id of the last block it applied) replays the disconnections and
// connections that lead from that block to the tip, even across a reorg that
// happened while it was away. Live events queue behind the replay, which is
// taken in the same tick as the subscription, so none falls in between.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChainEvents } from '../../chain/chain.js';
import { planReorg, prevOf, type Entry } from '../../chain/index-entry.js';
import { NotFoundError } from '../errors.js';
import { errorResponses, height } from '../../api-schema/fragments.js';
import type { MempoolEntry } from '../../mempool/mempool.js';
import type { ApiModules } from '../server.js';
import { blockRefView } from '../views.js';
import { fromHex, toHex } from '../../util/bytes.js';

/** A client this far behind is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const EVENT_TYPES = ['block_connected', 'block_disconnected', 'reorg', 'tx_accepted'] as const;

interface SseEvent {
  readonly event: (typeof EVENT_TYPES)[number];
  /** The cursor after this event: the block now at the client's tip. */
  readonly id?: string;
  readonly data: Record<string, unknown>;
}

function connected(entry: Entry): SseEvent {
  return {
    event: 'block_connected',
    id: entry.hex,
    data: {
      type: 'block_connected',
      ...blockRefView(entry),
      height: Number(entry.keyHeight),
      prev: prevHex(entry),
    },
  };
}

function disconnected(entry: Entry): SseEvent {
  return {
    event: 'block_disconnected',
    id: prevHex(entry),
    data: {
      type: 'block_disconnected',
      ...blockRefView(entry),
      height: Number(entry.keyHeight),
      prev: prevHex(entry),
    },
  };
}

const prevHex = (entry: Entry): string => toHex(prevOf(entry));

function format(e: SseEvent): string {
  return `${e.id === undefined ? '' : `id: ${e.id}\n`}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export function eventRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain } = mods;

  /** The events that bring a client at `from` (a block id) or at key height `fromHeight` to the tip. */
  function replay(query: { from?: number }, lastEventId: string | undefined): SseEvent[] {
    if (lastEventId !== undefined) {
      const at = /^[0-9a-f]{64}$/.test(lastEventId) ? chain.get(fromHex(lastEventId)) : undefined;
      if (at === undefined)
        throw new NotFoundError('unknown-block', `Last-Event-ID ${lastEventId} is no block here`);
      const plan = planReorg(at, chain.tip);
      return [...plan.disconnect.map(disconnected), ...plan.connect.map(connected)];
    }
    if (query.from === undefined) return [];
    const out: SseEvent[] = [];
    for (let h = BigInt(query.from); h <= chain.tip.keyHeight; h++)
      out.push(...chain.epochBlocks(h).map(connected));
    return out;
  }

  app.get(
    '/events',
    {
      schema: {
        summary: 'Server-Sent Events: block_connected, block_disconnected, reorg, tx_accepted',
        querystring: {
          type: 'object',
          properties: {
            from: height,
            /** Comma-separated event names to receive; all when left out. */
            types: {
              type: 'string',
              pattern:
                '^(block_connected|block_disconnected|reorg|tx_accepted)(,(block_connected|block_disconnected|reorg|tx_accepted))*$',
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
        },
      },
    },
    (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const query = request.query as { from?: number; types?: string };
      const backlog = replay(query, Array.isArray(lastEventId) ? lastEventId[0] : lastEventId);
      const types = new Set(query.types?.split(',') ?? EVENT_TYPES);
      stream(reply, backlog, types, mods);
    },
  );
}

function stream(
  reply: FastifyReply,
  backlog: readonly SseEvent[],
  types: ReadonlySet<string>,
  mods: ApiModules,
): void {
  const { chain, mempool } = mods;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (e: SseEvent): void => {
    if (raw.destroyed || !types.has(e.event)) return;
    raw.write(format(e));
    if (raw.writableLength > MAX_BUFFERED_BYTES) {
      mods.logger.warn('dropping an event-stream client that stopped reading');
      raw.destroy();
    }
  };
  const onConnected = (entry: Entry): void => {
    send(connected(entry));
  };
  const onDisconnected = (entry: Entry): void => {
    send(disconnected(entry));
  };
  const onReorged = (r: ChainEvents['reorged'][0]): void => {
    send({
      event: 'reorg',
      data: {
        type: 'reorg',
        height: Number(r.to.keyHeight),
        id: r.to.hex,
        from: blockRefView(r.from),
        to: blockRefView(r.to),
        disconnected: r.disconnected,
        connected: r.connected,
      },
    });
  };
  const onTx = (entry: MempoolEntry): void => {
    send({
      event: 'tx_accepted',
      data: { type: 'tx_accepted', id: entry.idHex, height: Number(chain.tip.keyHeight) },
    });
  };
  // Subscribe and write the backlog in one tick: nothing can happen in between.
  chain.on('connected', onConnected);
  chain.on('disconnected', onDisconnected);
  chain.on('reorged', onReorged);
  // A busy node accepts thousands of transactions a second: listen only if asked to.
  if (types.has('tx_accepted')) mempool.on('accepted', onTx);
  raw.write(': altostream events\n\n');
  for (const e of backlog) send(e);
  const heartbeat = setInterval(() => {
    if (!raw.destroyed) raw.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  raw.on('close', () => {
    clearInterval(heartbeat);
    chain.off('connected', onConnected);
    chain.off('disconnected', onDisconnected);
    chain.off('reorged', onReorged);
    mempool.off('accepted', onTx);
  });
}
