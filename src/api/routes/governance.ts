// Governance reads (PROTOCOL.md §8): GET /proposals (by status, newest window
// first, paged), GET /proposals/:id with its window and tally (stored once
// tallied, counted now with current weights while open), GET
// /proposals/:id/votes, GET /params (every governed parameter in force and the
// pending changes) and GET /reserve (balance, what the next settlement would
// pay voters, the voting rewards still pending).
import type { FastifyInstance } from 'fastify';
import {
  GOVERNED_PARAMS,
  MATCH_RATE_SUM_MAX_BP,
  governedParam,
  paramInForce,
} from '../../consensus/governed-params.js';
import { RESERVE_ACCOUNT, decodeAddress, encodeAddress } from '../../protocol/address.js';
import type { NetworkParams } from '../../protocol/params.js';
import { decodeProposal, type Proposal } from '../../state/governance-entries.js';
import { errorResponses, idParams } from '../../api-schema/fragments.js';
import {
  PROPOSAL_STATUSES,
  paramsBody,
  proposalBody,
  proposalsBody,
  reserveBody,
  votesBody,
  type ParamsBody,
  type ProposalBody,
  type ProposalsBody,
  type ReserveBody,
  type VotesBody,
} from '../../api-schema/governance.js';
import {
  governanceWeights,
  nextSettlementHeight,
  pendingDistributions,
  projectedVotingRewards,
  proposalsByEnd,
  scheduledChanges,
  tallyOf,
  votesOf,
} from '../governance.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { ApiModules } from '../server.js';
import { fromHex, toHex } from '../../util/bytes.js';

/** Proposals or votes per page when ?limit is left out, and the most one page may ask for (decision 164). */
export const DEFAULT_GOVERNANCE_LIMIT = 100;
export const MAX_GOVERNANCE_LIMIT = 1000;
/** `<end>-<proposal id>`: the `next` of GET /proposals. */
const PROPOSAL_CURSOR = /^(0|[1-9][0-9]{0,19})-([0-9a-f]{64})$/;
const U64_MAX = 2n ** 64n - 1n;

/** A governed parameter's unit, by id (§8.3, §12). */
const UNITS: Record<number, 'base-units' | 'ms' | 's' | 'plays' | 'bp'> = {
  1: 'base-units',
  2: 'base-units',
  3: 'base-units',
  4: 'ms',
  5: 's',
  6: 'plays',
  7: 's',
  8: 'bp',
  9: 'bp',
  10: 'base-units',
  11: 'bp',
  12: 's',
};

const CHOICES = { 1: 'yes', 2: 'no', 3: 'abstain' } as const;

const limitQuery = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_GOVERNANCE_LIMIT,
  default: DEFAULT_GOVERNANCE_LIMIT,
} as const;

function decodeProposalCursor(text: string): { end: bigint; id: string } {
  const match = PROPOSAL_CURSOR.exec(text);
  const end = match === null ? undefined : BigInt(match[1]!);
  if (match === null || end === undefined || end > U64_MAX) {
    throw new BadRequestError(
      'bad-cursor',
      `?before=${text} is not a next cursor of GET /proposals (<end>-<proposal id>)`,
      'before',
    );
  }
  return { end, id: match[2]! };
}

function proposalView(
  id: Uint8Array,
  p: Proposal,
  params: NetworkParams,
): ProposalsBody['proposals'][number] {
  return {
    id: toHex(id),
    proposer: encodeAddress(params.hrp, p.proposer),
    kind: p.kind,
    kindName: p.kind === 0 ? 'signal' : 'param-change',
    text: p.text,
    param:
      p.kind === 1
        ? { id: p.paramId, name: governedParam(p.paramId)?.name ?? null, value: p.value.toString() }
        : null,
    deposit: p.deposit.toString(),
    end: Number(p.end),
    status: PROPOSAL_STATUSES[p.status],
    statusCode: p.status,
  };
}

export function governanceRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, params } = mods;

  app.get(
    '/proposals',
    {
      schema: {
        summary:
          'Proposals, newest voting window first (end descending), optionally of one status (PROTOCOL.md §4.10, §8.2)',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: PROPOSAL_STATUSES },
            limit: limitQuery,
            /** The `next` of the page before. */
            before: { type: 'string', maxLength: 90 },
          },
          additionalProperties: false,
        },
        response: { 200: proposalsBody, ...errorResponses },
      },
    },
    (request): ProposalsBody => {
      const query = request.query as { status?: string; limit: number; before?: string };
      const cursor = query.before === undefined ? undefined : decodeProposalCursor(query.before);
      const view = chain.state();
      const height = Number(chain.tip.keyHeight);
      const page: ProposalsBody['proposals'] = [];
      let more = false;
      for (const ref of proposalsByEnd(view)) {
        if (query.status !== undefined && PROPOSAL_STATUSES[ref.status] !== query.status) continue;
        if (
          cursor !== undefined &&
          (ref.end > cursor.end || (ref.end === cursor.end && ref.idHex >= cursor.id))
        )
          continue;
        if (page.length === query.limit) {
          more = true;
          break;
        }
        page.push(proposalView(ref.id, decodeProposal(ref.value), params));
      }
      const last = page.at(-1);
      return { height, proposals: page, next: more && last !== undefined ? `${last.end}-${last.id}` : null };
    },
  );

  /** The proposal `id` names, or 404 unknown-proposal. */
  function stored(idHex: string): {
    id: Uint8Array;
    proposal: Proposal;
    view: ReturnType<typeof chain.state>;
  } {
    const id = fromHex(idHex);
    const view = chain.state();
    const proposal = view.proposal(id);
    if (proposal === undefined) throw new NotFoundError('unknown-proposal', `no proposal ${idHex}`);
    return { id, proposal, view };
  }

  app.get(
    '/proposals/:id',
    {
      schema: {
        summary:
          'One proposal: text, kind, parameter, deposit, voting window, status and tally (stored once tallied, counted now while open) (PROTOCOL.md §8.2)',
        params: idParams,
        response: { 200: proposalBody, ...errorResponses },
      },
    },
    (request): ProposalBody => {
      const { id, proposal, view } = stored((request.params as { id: string }).id);
      // The window starts at the key height of the block holding the Proposal (§4.10): not stored in
      // 0x0D, but the transaction index knows where the transaction (id = proposal id) sits.
      const located = chain.txLocation(id);
      const start = located === undefined ? null : Number(located.block.keyHeight);
      const tally = tallyOf(view, id, proposal, params);
      return {
        ...proposalView(id, proposal, params),
        height: Number(chain.tip.keyHeight),
        window: {
          start,
          end: Number(proposal.end),
          votingPeriod: start === null ? null : Number(proposal.end) - start + 1,
        },
        tally: {
          tallied: tally.tallied,
          yes: tally.yes.toString(),
          no: tally.no.toString(),
          abstain: tally.abstain.toString(),
          votes: tally.votes,
          bondedWeight: tally.bondedWeight === null ? null : tally.bondedWeight.toString(),
          quorum: tally.quorum,
          pass: tally.pass,
        },
      };
    },
  );

  app.get(
    '/proposals/:id/votes',
    {
      schema: {
        summary:
          'The votes on one proposal in voter order, each with the voter’s current weight W (PROTOCOL.md §4.11)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            limit: limitQuery,
            /** The `next` of the page before: the last voter's address. */
            after: { type: 'string', maxLength: 120 },
          },
          additionalProperties: false,
        },
        response: { 200: votesBody, ...errorResponses },
      },
    },
    (request): VotesBody => {
      const { id, view } = stored((request.params as { id: string }).id);
      const query = request.query as { limit: number; after?: string };
      const after = query.after === undefined ? undefined : decodeAddress(params.hrp, query.after);
      const weights = governanceWeights(view, params);
      const page = votesOf(view, id, weights.of, query.limit, after);
      const votes = page.votes.map((v) => ({
        voter: encodeAddress(params.hrp, v.voter),
        choice: CHOICES[v.choice],
        weight: v.weight.toString(),
      }));
      return {
        id: toHex(id),
        height: Number(chain.tip.keyHeight),
        votes,
        next: page.more ? (votes.at(-1)?.voter ?? null) : null,
      };
    },
  );

  app.get(
    '/params',
    {
      schema: {
        summary:
          'Every governed parameter with its value in force, §12 value and bounds, and the changes scheduled (PROTOCOL.md §8.3)',
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: paramsBody, ...errorResponses },
      },
    },
    (): ParamsBody => {
      const view = chain.state();
      return {
        height: Number(chain.tip.keyHeight),
        matchRateSumMax: MATCH_RATE_SUM_MAX_BP.toString(),
        params: GOVERNED_PARAMS.map((param) => {
          const { min, max } = param.bounds(params);
          return {
            id: param.id,
            name: param.name,
            unit: UNITS[param.id]!,
            value: paramInForce(view, param.id, params).toString(),
            initial: param.initial(params).toString(),
            changed: view.param(param.id) !== undefined,
            min: min.toString(),
            max: max.toString(),
          };
        }),
        scheduled: scheduledChanges(view).map((c) => ({
          applyHeight: Number(c.applyHeight),
          paramId: c.paramId,
          name: governedParam(c.paramId)?.name ?? null,
          value: c.value.toString(),
          proposal: toHex(c.proposalId),
        })),
      };
    },
  );

  app.get(
    '/reserve',
    {
      schema: {
        summary:
          'The reserve account’s balance, what the next settlement would pay voters, and the voting rewards still pending (PROTOCOL.md §2.5, §8.4)',
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: reserveBody, ...errorResponses },
      },
    },
    (): ReserveBody => {
      const view = chain.state();
      const tip = chain.tip.keyHeight;
      const c = nextSettlementHeight(tip, params);
      const next = projectedVotingRewards(view, c, params);
      return {
        address: encodeAddress(params.hrp, RESERVE_ACCOUNT),
        height: Number(tip),
        balance: next.reserve.toString(),
        nextSettlement: {
          height: Number(c),
          bondedWeight: next.bondedWeight.toString(),
          voters: next.voters,
          voterWeight: next.voterWeight.toString(),
          payout: next.total.toString(),
        },
        distributions: pendingDistributions(view).map((d) => ({
          height: Number(d.sourceHeight),
          maturity: Number(d.maturity),
          total: d.total.toString(),
          recipients: d.recipients,
        })),
      };
    },
  );
}
