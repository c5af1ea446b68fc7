// Transactions: submit one, look one up, list the mempool.
import type { FastifyInstance } from 'fastify';
import { accountId, encodeAddress } from '../../protocol/address.js';
import { decodeTx } from '../../protocol/tx.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { decimal, errorResponses, hex32, hexBytes, idParams, noQuery } from '../../api-schema/fragments.js';
import {
  txStatusBody,
  txSubmittedBody,
  type TxStatusBody,
  type TxSubmittedBody,
} from '../../api-schema/responses.js';
import type { ApiModules } from '../server.js';
import { txView } from '../views.js';
import { fromHex } from '../../util/bytes.js';

const MAX_TX_HEX = 400_000;

export function txRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, mempool, params } = mods;

  app.post(
    '/txs',
    {
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
          properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['count', 'bytes', 'minFeeRate', 'txs'],
            properties: {
              count: { type: 'integer' },
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
      const { limit } = request.query as { limit: number };
      const entries = [...mempool.entries()]
        .sort((a, b) => {
          const left = a.tx.fee * BigInt(b.size);
          const right = b.tx.fee * BigInt(a.size);
          return left > right ? -1 : left < right ? 1 : 0;
        })
        .slice(0, limit);
      return {
        count: mempool.count,
        bytes: mempool.bytes,
        minFeeRate: mempool.minFeeRate.toString(),
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
