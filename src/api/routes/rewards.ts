// GET /rewards/:address: an account's reward history (PROTOCOL.md §3.10, §6.5),
// every pending credit it was given with its kind, source height, maturity and
// amount, newest first and paged, from the history index the chain keeps
// outside the state digest (state/reward-history.ts).
import type { FastifyInstance } from 'fastify';
import { decodeAddress, encodeAddress } from '../../protocol/address.js';
import type { RewardCursor } from '../../state/reward-history.js';
import { addressParams, errorResponses } from '../../api-schema/fragments.js';
import { REWARD_KIND_NAMES, rewardsBody, type RewardsBody } from '../../api-schema/responses.js';
import { BadRequestError } from '../errors.js';
import type { ApiModules } from '../server.js';

/** Records per page when ?limit is left out, and the most one page may ask for (decision 142). */
export const DEFAULT_REWARDS_LIMIT = 100;
export const MAX_REWARDS_LIMIT = 1000;
/** `<source height>` or `<source height>-<kind>`, both decimal; longer is no height of ours. */
const CURSOR = /^(0|[1-9][0-9]{0,19})(?:-(0|[1-9][0-9]{0,2}))?$/;
const U64_MAX = 2n ** 64n - 1n;

/** A `next` as it was handed out: the last record's place, so the next page starts strictly below it. */
function encodeCursor(sourceHeight: bigint, kind: number): string {
  return `${sourceHeight}-${kind}`;
}

function decodeCursor(text: string): RewardCursor {
  const match = CURSOR.exec(text);
  const sourceHeight = match === null ? undefined : BigInt(match[1]!);
  const kind = match?.[2] === undefined ? undefined : Number(match[2]);
  if (sourceHeight === undefined || sourceHeight > U64_MAX || (kind !== undefined && kind > 255)) {
    throw new BadRequestError(
      'bad-cursor',
      `?before=${text} is neither a key height nor a next cursor (<height>-<kind>)`,
      'before',
    );
  }
  return kind === undefined ? { sourceHeight } : { sourceHeight, kind };
}

type KindName = (typeof REWARD_KIND_NAMES)[keyof typeof REWARD_KIND_NAMES];

/** §3.10 has kinds 1–12 and the history records only those: another is our bug. */
function kindName(kind: number): KindName {
  const name = (REWARD_KIND_NAMES as Record<number, KindName | undefined>)[kind];
  if (name === undefined) throw new Error(`reward kind ${kind} in the history is none of §3.10's`);
  return name;
}

export function rewardRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, params } = mods;

  app.get(
    '/rewards/:address',
    {
      schema: {
        summary:
          'An account’s reward history: every pending credit with kind, source height, maturity and amount, newest first (PROTOCOL.md §3.10)',
        params: addressParams,
        querystring: {
          type: 'object',
          properties: {
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_REWARDS_LIMIT,
              default: DEFAULT_REWARDS_LIMIT,
            },
            /** The `next` of the page before, or a key height: records with a lower source height. */
            before: { type: 'string', maxLength: 40 },
          },
          additionalProperties: false,
        },
        response: { 200: rewardsBody, ...errorResponses },
      },
    },
    (request): RewardsBody => {
      const { address } = request.params as { address: string };
      const { limit, before } = request.query as { limit: number; before?: string };
      const account = decodeAddress(params.hrp, address);
      const cursor = before === undefined ? undefined : decodeCursor(before);
      const page = chain.rewardHistory(account, limit, cursor);
      const last = page.records.at(-1);
      return {
        address: encodeAddress(params.hrp, account),
        height: Number(page.tipHeight),
        completeFrom: Number(page.completeFrom),
        totals: {
          credited: page.totals.credited.toString(),
          pending: page.totals.pending.toString(),
          matured: (page.totals.credited - page.totals.pending).toString(),
        },
        rewards: page.records.map((r) => ({
          kind: r.kind,
          kindName: kindName(r.kind),
          sourceHeight: Number(r.sourceHeight),
          maturity: Number(r.maturity),
          amount: r.amount.toString(),
          matured: r.maturity <= page.tipHeight,
        })),
        next: page.more && last !== undefined ? encodeCursor(last.sourceHeight, last.kind) : null,
      };
    },
  );
}
