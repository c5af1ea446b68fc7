// Transactions: submit one, look one up, list the mempool.
import type { FastifyInstance } from 'fastify';
import { accountId, encodeAddress } from '../../protocol/address.js';
import { decodeTx, MAX_TX_BYTES } from '../../protocol/tx.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { decimal, errorResponses, hex32, hexBytes, idParams, noQuery } from '../../api-schema/fragments.js';
import {
  txStatusBody,
  txSubmittedBody,
  type TxStatusBody,
  type TxSubmittedBody,
} from '../../api-schema/responses.js';
import type { PageCursor } from '../../mempool/mempool.js';
import type { ApiModules } from '../server.js';
import { txView } from '../views.js';
import { fromHex } from '../../util/bytes.js';

/** The largest transaction (§12's MAX_TX_SIZE) in hex. */
const MAX_TX_HEX = 2 * MAX_TX_BYTES;
/**
 * POST /txs reads the largest transaction's hex and the JSON around it
 * (`{"hex": "…"}`, with room for whitespace); a byte more is 413 before parsing.
 */
export const TX_BODY_LIMIT = MAX_TX_HEX + 1024;

/** A GET /mempool cursor: the fee, size and id of a page's last transaction (mempool/pages.ts). */
const CURSOR_PATTERN = '^(0|[1-9][0-9]{0,38})-[1-9][0-9]{0,6}-[0-9a-f]{64}$';

function encodeCursor(c: PageCursor): string {
  return `${c.fee}-${c.size}-${c.idHex}`;
}

function decodeCursor(text: string): PageCursor {
  const [fee, size, idHex] = text.split('-') as [string, string, string];
  return { fee: BigInt(fee), size: Number(size), idHex };
}

export function txRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, mempool, params } = mods;

  app.post(
    '/txs',
    {
      bodyLimit: TX_BODY_LIMIT,
      schema: {
        summary: 'Submit a signed transaction: JSON {"hex": …} or the hex itself as text/plain',
        body: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['hex'],
                properties: { hex: { ...hexBytes, maxLength: MAX_TX_HEX } },
                additionalProperties: false,
              },
            },
            'text/plain': { schema: { ...hexBytes, maxLength: MAX_TX_HEX } },
          },
        },
        response: {
          200: txSubmittedBody,
          ...errorResponses,
        },
      },
    },
    (request): TxSubmittedBody => {
      // No body and no content type reaches here unchecked: the schema is chosen by content type.
      const body = request.body as { hex: string } | string | undefined;
      if (body === undefined) {
        throw new BadRequestError(
          'bad-request',
          'send {"hex": …} as application/json or the hex as text/plain',
          'hex',
        );
      }
      const hex = typeof body === 'string' ? body : body.hex; // text/plain arrives trimmed (server.ts)
      const entry = mempool.add(decodeTx(fromHex(hex)), 'local');
      return { id: entry.idHex, status: 'pending' };
    },
  );

  app.get(
    '/txs/:id',
    {
      schema: {
        summary: 'A transaction in the mempool or on the best chain, with its confirmation status',
        params: idParams,
        querystring: noQuery,
        response: {
          200: txStatusBody,
          ...errorResponses,
        },
      },
    },
    (request): TxStatusBody => {
      const { id } = request.params as { id: string };
      const bytes = fromHex(id);
      const located = chain.txLocation(bytes);
      if (located !== undefined && located.block.kind === 'micro') {
        return {
          id,
          status: 'confirmed' as const,
          block: {
            id: located.block.hex,
            keyHeight: Number(located.block.keyHeight),
            seq: located.block.seq,
          },
          confirmations: Number(chain.tip.keyHeight - located.block.keyHeight) + 1,
          tx: txView(located.tx, params),
        };
      }
      const pending = mempool.get(bytes);
      if (pending === undefined) throw new NotFoundError('unknown-tx', `no transaction ${id}`);
      return {
        id,
        status: 'pending' as const,
        block: null,
        confirmations: 0,
        tx: txView(pending.tx, params),
      };
    },
  );

  app.get(
    '/mempool',
    {
      schema: {
        summary: 'Pending transactions, highest fee rate first',
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
            /** The `next` of the page before: where this page starts. */
            after: { type: 'string', pattern: CURSOR_PATTERN, maxLength: 160 },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['count', 'bytes', 'minFeeRate', 'txs', 'next'],
            properties: {
              count: { type: 'integer' },
              /** Pass as ?after= for the next page; null on the last. */
              next: { type: ['string', 'null'] },
              bytes: { type: 'integer' },
              minFeeRate: decimal,
              txs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: hex32,
                    from: { type: 'string' },
                    nonce: decimal,
                    fee: decimal,
                    size: { type: 'integer' },
                    feeRate: decimal,
                    ready: { type: 'boolean' },
                    addedAt: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    (request) => {
      const { limit, after } = request.query as { limit: number; after?: string };
      const page = mempool.page(limit, after === undefined ? undefined : decodeCursor(after));
      const entries = page.entries;
      return {
        count: mempool.count,
        bytes: mempool.bytes,
        minFeeRate: mempool.minFeeRate.toString(),
        next: page.next === null ? null : encodeCursor(page.next),
        txs: entries.map((e) => ({
          id: e.idHex,
          from: encodeAddress(params.hrp, accountId(e.tx.sender)),
          nonce: e.tx.nonce.toString(),
          fee: e.tx.fee.toString(),
          size: e.size,
          feeRate: (e.tx.fee / BigInt(e.size)).toString(),
          ready: e.ready,
          addedAt: e.addedAt,
        })),
      };
    },
  );
}
