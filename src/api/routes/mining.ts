// The mining interface of PROTOCOL.md §11.1, token-protected: a template for
// an external miner, and the submission of a solved 184-byte key block.
import type { FastifyInstance } from 'fastify';
import { decodeAddress, encodeAddress } from '../../protocol/address.js';
import { decodeKeyBlock, encodeKeyBlockHeader, encodeKeyBlockBody } from '../../protocol/key-block.js';
import { BadRequestError } from '../errors.js';
import { errorBody, errorResponses, hex32, hexBytes } from '../../api-schema/fragments.js';
import type { ApiModules, RequireToken } from '../server.js';
import { fromHex, toHex } from '../../util/bytes.js';

const secured = { security: [{ bearer: [] }] };
/** A solved key block is 184 bytes: 368 hex digits and the JSON around them. */
export const SUBMIT_BODY_LIMIT = 1024;
const withUnauthorized = { ...errorResponses, 401: errorBody };

export function miningRoutes(app: FastifyInstance, mods: ApiModules, requireToken: RequireToken): void {
  const { params } = mods;

  app.get(
    '/mining/template',
    {
      preHandler: requireToken,
      schema: {
        summary: 'A key-block template on the best tip (§11.1); vary nonce, extranonce and time',
        ...secured,
        querystring: {
          type: 'object',
          properties: { payout: { type: 'string', maxLength: 120 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['version', 'prev', 'height', 'bits', 'time', 'target', 'header', 'body'],
            properties: {
              version: { type: 'integer' },
              prev: hex32,
              height: { type: 'integer' },
              bits: { type: 'string' },
              time: { type: 'integer' },
              /** Big-endian hex, as block explorers print targets. */
              target: hex32,
              leaderKey: hex32,
              payout: { type: 'string' },
              aux: hex32,
              coinb1: hexBytes,
              coinb2: hexBytes,
              /** The 80-byte header with nonce 0 and the 104-byte body, ready to hash and submit. */
              header: hexBytes,
              body: hexBytes,
              /** Key blocks on the same prev waiting for their endorsements (§5.4): candidates, no weight yet. */
              candidates: { type: 'array', items: hex32 },
            },
          },
          ...withUnauthorized,
        },
      },
    },
    (request) => {
      const { payout } = request.query as { payout?: string };
      const template = mods.mining.template(
        payout === undefined ? undefined : decodeAddress(params.hrp, payout),
      );
      if (template === undefined) {
        throw new BadRequestError('no-payout', 'this node has no payout address: pass ?payout=<address>');
      }
      const { header, body } = template.block;
      return {
        version: header.version,
        prev: toHex(header.prev),
        height: Number(body.height),
        bits: header.bits.toString(16).padStart(8, '0'),
        time: header.time,
        target: template.target.toString(16).padStart(64, '0'),
        leaderKey: toHex(body.leaderKey),
        payout: encodeAddress(params.hrp, body.payout),
        aux: toHex(body.aux),
        coinb1: toHex(template.coinb1),
        coinb2: toHex(template.coinb2),
        header: toHex(encodeKeyBlockHeader(header)),
        body: toHex(encodeKeyBlockBody(body)),
        candidates: mods.mining.candidates(),
      };
    },
  );

  app.post(
    '/mining/submit',
    {
      bodyLimit: SUBMIT_BODY_LIMIT,
      preHandler: requireToken,
      schema: {
        summary: 'Submit a solved key block (184 bytes, hex)',
        ...secured,
        body: {
          type: 'object',
          required: ['hex'],
          properties: { hex: { type: 'string', pattern: '^[0-9a-fA-F]{368}$', maxLength: 368 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['accepted', 'reason', 'id', 'result'],
            properties: {
              accepted: { type: 'boolean' },
              reason: { type: ['string', 'null'] },
              id: hex32,
              /**
               * What the chain did with it: `connected` (or `reorged`, `side`), `candidate` while it
               * waits for its endorsements (§5.4), null when refused.
               */
              result: { type: ['string', 'null'] },
            },
          },
          ...withUnauthorized,
        },
      },
    },
    (request) => {
      const { hex } = request.body as { hex: string };
      return mods.mining.submit(decodeKeyBlock(fromHex(hex)));
    },
  );
}
