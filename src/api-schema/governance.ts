// The answers of the governance routes (PROTOCOL.md §8): proposals, their
// votes, the governed parameters and the reserve. Amounts, weights and
// parameter values are decimal strings (u128); heights are numbers.
import type { FromSchema } from 'json-schema-to-ts';
import { decimal, hex32, height } from './fragments.js';

/** §9.1 0x0D's status codes 0–6 by name. */
export const PROPOSAL_STATUSES = [
  'open',
  'no-quorum',
  'rejected',
  'passed',
  'applied',
  'skipped',
  'replaced',
] as const;

const status = { type: 'string', enum: PROPOSAL_STATUSES } as const;
const choice = { type: 'string', enum: ['yes', 'no', 'abstain'] } as const;

/** A kind-1 proposal's parameter; null for a signal. */
const proposalParam = {
  type: ['object', 'null'],
  required: ['id', 'name', 'value'],
  properties: {
    id: { type: 'integer', minimum: 0 },
    /** §12's name; null if the id is none of §8.3's (no valid proposal has one). */
    name: { type: ['string', 'null'] },
    value: decimal,
  },
} as const;

const proposalFields = {
  id: hex32,
  proposer: { type: 'string' },
  kind: { type: 'integer', enum: [0, 1] },
  kindName: { type: 'string', enum: ['signal', 'param-change'] },
  text: { type: 'string' },
  param: proposalParam,
  deposit: decimal,
  /** The last key height votes count at (§4.10); the tally runs at end + 1. */
  end: height,
  status,
  statusCode: { type: 'integer', minimum: 0, maximum: 6 },
} as const;
const proposalRequired = [
  'id',
  'proposer',
  'kind',
  'kindName',
  'text',
  'param',
  'deposit',
  'end',
  'status',
  'statusCode',
] as const;

/** GET /proposals. */
export const proposalsBody = {
  type: 'object',
  required: ['height', 'proposals', 'next'],
  properties: {
    /** The tip's key height the list was read at. */
    height,
    /** Newest window first: end descending, then id descending. */
    proposals: {
      type: 'array',
      items: { type: 'object', required: proposalRequired, properties: proposalFields },
    },
    /** Pass as ?before= for the next page; null on the last. */
    next: { type: ['string', 'null'] },
  },
} as const;
export type ProposalsBody = FromSchema<typeof proposalsBody>;

/** GET /proposals/:id. */
export const proposalBody = {
  type: 'object',
  required: [...proposalRequired, 'height', 'window', 'tally'],
  properties: {
    ...proposalFields,
    height,
    /**
     * [start, end]: start is the key height of the block holding the Proposal (from the transaction
     * index; null if this node has not indexed it), votingPeriod = end − start + 1 (decision 164).
     */
    window: {
      type: 'object',
      required: ['start', 'end', 'votingPeriod'],
      properties: {
        start: { type: ['integer', 'null'], minimum: 0 },
        end: height,
        votingPeriod: { type: ['integer', 'null'], minimum: 1 },
      },
    },
    tally: {
      type: 'object',
      required: ['tallied', 'yes', 'no', 'abstain', 'votes', 'bondedWeight', 'quorum', 'pass'],
      properties: {
        /** true: the stored result of §8.2; false: counted now with each voter's current W. */
        tallied: { type: 'boolean' },
        yes: decimal,
        no: decimal,
        abstain: decimal,
        /** Votes stored for the proposal. */
        votes: { type: 'integer', minimum: 0 },
        /** B now (open proposals); null once tallied. */
        bondedWeight: { type: ['string', 'null'], pattern: '^[0-9]+$' },
        quorum: { type: 'boolean' },
        pass: { type: 'boolean' },
      },
    },
  },
} as const;
export type ProposalBody = FromSchema<typeof proposalBody>;

/** GET /proposals/:id/votes. */
export const votesBody = {
  type: 'object',
  required: ['id', 'height', 'votes', 'next'],
  properties: {
    id: hex32,
    height,
    /** In voter account order. */
    votes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['voter', 'choice', 'weight'],
        properties: {
          voter: { type: 'string' },
          choice,
          /** The voter's W now (§4.7): what an open proposal's tally counts. */
          weight: decimal,
        },
      },
    },
    /** Pass as ?after= for the next page; null on the last. */
    next: { type: ['string', 'null'] },
  },
} as const;
export type VotesBody = FromSchema<typeof votesBody>;

/** GET /params. */
export const paramsBody = {
  type: 'object',
  required: ['height', 'matchRateSumMax', 'params', 'scheduled'],
  properties: {
    height,
    /** The match rates (ids 8, 9, 11) together stay at or below this many bp (§8.3). */
    matchRateSumMax: decimal,
    /** §8.3's whitelist, in ascending id. */
    params: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'unit', 'value', 'initial', 'changed', 'min', 'max'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          name: { type: 'string' },
          unit: { type: 'string', enum: ['base-units', 'ms', 's', 'plays', 'bp'] },
          /** In force now. */
          value: decimal,
          /** §12's value on this network. */
          initial: decimal,
          /** Whether a change has applied (0x13 holds it). */
          changed: { type: 'boolean' },
          min: decimal,
          max: decimal,
        },
      },
    },
    /** Passed changes not yet applied (0x14), in the order they apply. */
    scheduled: {
      type: 'array',
      items: {
        type: 'object',
        required: ['applyHeight', 'paramId', 'name', 'value', 'proposal'],
        properties: {
          applyHeight: height,
          paramId: { type: 'integer', minimum: 0 },
          name: { type: ['string', 'null'] },
          value: decimal,
          proposal: hex32,
        },
      },
    },
  },
} as const;
export type ParamsBody = FromSchema<typeof paramsBody>;

/** GET /reserve. */
export const reserveBody = {
  type: 'object',
  required: ['address', 'height', 'balance', 'nextSettlement', 'distributions'],
  properties: {
    /** §2.5's reserve account. */
    address: { type: 'string' },
    height,
    balance: decimal,
    /** What §8.4 would pay at the next settlement if the state stayed as it is now. */
    nextSettlement: {
      type: 'object',
      required: ['height', 'bondedWeight', 'voters', 'voterWeight', 'payout'],
      properties: {
        height,
        bondedWeight: decimal,
        /** Accounts with W > 0 that voted within GOVERNANCE_WINDOW of it. */
        voters: { type: 'integer', minimum: 0 },
        voterWeight: decimal,
        /** Σ floor(R·W/B) over them; the rest stays in the reserve. */
        payout: decimal,
      },
    },
    /** Voting rewards still pending (0x0F kind 10), one per settlement, newest first. */
    distributions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['height', 'maturity', 'total', 'recipients'],
        properties: {
          /** The settlement's key height (the credits' source height). */
          height,
          maturity: height,
          total: decimal,
          recipients: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
} as const;
export type ReserveBody = FromSchema<typeof reserveBody>;
