// The answers a client reads, as JSON Schemas and the TypeScript types derived
// from them: api/ serves these schemas (fastify checks and serialises by them),
// wallet/ validates what it receives against the same ones, so neither restates
// the other.
import type { FromSchema } from 'json-schema-to-ts';
import { blockRef, decimal, hex32, hexBytes, height, tx } from './fragments.js';

/** A transaction as the API shows it. */
export type TxBody = FromSchema<typeof tx>;

/** GET /status. */
export const statusBody = {
  type: 'object',
  required: [
    'network',
    'chainId',
    'genesis',
    'tip',
    'height',
    'chainWork',
    'peers',
    'peerId',
    'listen',
    'sync',
    'mempool',
    'mining',
    'hashRate',
    'hashes',
    'pacedForS',
    'syncing',
    'lastBlockAgeS',
    'stratum',
    'validator',
  ],
  properties: {
    network: { type: 'string' },
    chainId: { type: 'string' },
    genesis: hex32,
    tip: blockRef,
    height: height,
    chainWork: decimal,
    peers: { type: 'integer', minimum: 0 },
    peerId: { type: ['string', 'null'] },
    /** With /p2p/<id>: ready for another node's --bootstrap. */
    listen: { type: 'array', items: { type: 'string' } },
    sync: {
      type: 'object',
      required: ['syncing', 'height', 'target', 'rate', 'etaS'],
      properties: {
        syncing: { type: 'boolean' },
        height: { type: 'integer' },
        target: { type: 'integer' },
        rate: { type: 'number' },
        etaS: { type: ['number', 'null'] },
      },
    },
    mempool: {
      type: 'object',
      required: ['count', 'bytes', 'minFeeRate'],
      properties: {
        count: { type: 'integer', minimum: 0 },
        bytes: { type: 'integer', minimum: 0 },
        /** Base units per byte. */
        minFeeRate: decimal,
      },
    },
    mining: { type: 'boolean' },
    /** Hashes per second while the built-in miner hashes (not averaged over its paced waits). */
    hashRate: { type: 'number' },
    /** Hashes the built-in miner did since the node started: a counter, for a rate over any window. */
    hashes: { type: 'integer' },
    /** Seconds until the paced miner (--block-interval) hashes again; null while it hashes or when not mining. */
    pacedForS: { type: ['number', 'null'] },
    syncing: { type: 'boolean' },
    lastBlockAgeS: { type: 'number' },
    /** This node's validator (§5.3): its address, validator stake, and its endorsements; null when off. */
    validator: {
      type: ['object', 'null'],
      required: ['address', 'stake', 'slotsWon', 'endorsementsSigned', 'endorsementsIncluded'],
      properties: {
        address: { type: 'string' },
        /** Bonded as a validator, base units. */
        stake: decimal,
        slotsWon: { type: 'integer', minimum: 0 },
        endorsementsSigned: { type: 'integer', minimum: 0 },
        endorsementsIncluded: { type: 'integer', minimum: 0 },
      },
    },
    /** The Stratum server: its port and mode, connected workers and their summed hash rate (from shares); null when off. */
    stratum: {
      type: ['object', 'null'],
      required: ['port', 'mode', 'workers', 'hashRate'],
      properties: {
        port: { type: 'integer' },
        mode: { type: 'string', enum: ['solo', 'pool'] },
        workers: { type: 'integer', minimum: 0 },
        hashRate: { type: 'number' },
      },
    },
  },
} as const;
export type StatusBody = FromSchema<typeof statusBody>;

/** GET /accounts/:address. */
export const accountBody = {
  type: 'object',
  required: ['address', 'balance', 'nonce', 'nextNonce', 'unmatured'],
  properties: {
    address: { type: 'string' },
    balance: decimal,
    nonce: decimal,
    /** The nonce for this sender's next tx, counting its txs pending in the mempool. */
    nextNonce: decimal,
    unmatured: decimal,
  },
} as const;
export type AccountBody = FromSchema<typeof accountBody>;

/** POST /txs. */
export const txSubmittedBody = {
  type: 'object',
  required: ['id', 'status'],
  properties: { id: hex32, status: { type: 'string', enum: ['pending'] } },
} as const;
export type TxSubmittedBody = FromSchema<typeof txSubmittedBody>;

/** GET /txs/:id. */
export const txStatusBody = {
  type: 'object',
  required: ['id', 'status', 'block', 'confirmations', 'tx'],
  properties: {
    id: hex32,
    status: { type: 'string', enum: ['pending', 'confirmed'] },
    block: {
      type: ['object', 'null'],
      required: ['id', 'keyHeight', 'seq'],
      properties: { id: hex32, keyHeight: height, seq: { type: 'integer', minimum: 0 } },
    },
    /** Key blocks on top of its epoch's, its own included; 0 while pending. */
    confirmations: { type: 'integer', minimum: 0 },
    tx,
  },
} as const;
export type TxStatusBody = FromSchema<typeof txStatusBody>;

const roleName = { type: 'string', enum: ['validator', 'app', 'infrastructure'] } as const;

/** GET /validators. */
export const validatorsBody = {
  type: 'object',
  required: ['height', 'period', 'minStake', 'total', 'bootstrapMinStake', 'nextBootstraps', 'validators'],
  properties: {
    height,
    /** The current reward period's key heights, first and last (§6.4). */
    period: {
      type: 'object',
      required: ['start', 'end', 'uncounted'],
      /** uncounted: endorsed key blocks whose draws this request did not rebuild; a later one will. */
      properties: { start: height, end: height, uncounted: { type: 'integer', minimum: 0 } },
    },
    minStake: decimal,
    /** T of §5.1: Σ weights at the tip. */
    total: decimal,
    bootstrapMinStake: decimal,
    /** Whether a key block on the tip now would be bootstrap-activated (T below the threshold). */
    nextBootstraps: { type: 'boolean' },
    validators: {
      type: 'array',
      items: {
        type: 'object',
        required: ['address', 'bonded', 'weight', 'lastEndorsed', 'slotsWon', 'slotsIncluded'],
        properties: {
          address: { type: 'string' },
          bonded: decimal,
          weight: decimal,
          lastEndorsed: { type: 'integer', minimum: 0 },
          /** Slots drawn for it in this period's endorsed best-chain key blocks. */
          slotsWon: { type: 'integer', minimum: 0 },
          /** Its endorsements included in those epochs' M_{h,0}. */
          slotsIncluded: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
} as const;
export type ValidatorsBody = FromSchema<typeof validatorsBody>;

/** GET /stakes/:address. */
export const stakesBody = {
  type: 'object',
  required: ['address', 'bonds', 'unbonding', 'app'],
  properties: {
    address: { type: 'string' },
    bonds: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'bonded', 'weight', 'minStake'],
        properties: {
          role: roleName,
          bonded: decimal,
          /** bonded if it meets minStake, else 0 (§4.7). */
          weight: decimal,
          minStake: decimal,
          lastEndorsed: { type: 'integer', minimum: 0 },
        },
      },
    },
    unbonding: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'amount', 'releaseHeight'],
        properties: { role: roleName, amount: decimal, releaseHeight: height },
      },
    },
    app: {
      type: ['object', 'null'],
      required: ['name', 'serviceKey'],
      properties: { name: { type: 'string' }, serviceKey: hexBytes },
    },
  },
} as const;
export type StakesBody = FromSchema<typeof stakesBody>;

/** The §3.10 reward kinds by name, as GET /rewards/:address shows them. */
export const REWARD_KIND_NAMES = {
  1: 'miner',
  2: 'leader-fee',
  3: 'next-leader-fee',
  4: 'validator-slot',
  5: 'musician',
  6: 'listener',
  7: 'app',
  8: 'infrastructure',
  9: 'validator-pool',
  10: 'voting',
  11: 'poison-bounty-mint',
  12: 'poison-bounty-fee',
} as const;

/** GET /rewards/:address. */
export const rewardsBody = {
  type: 'object',
  required: ['address', 'height', 'completeFrom', 'totals', 'rewards', 'next'],
  properties: {
    address: { type: 'string' },
    /** The tip's key height the page and the totals were read at: `matured` is maturity ≤ height. */
    height,
    /** The history holds every credit whose source height is ≥ this (0: all of them; decision 141). */
    completeFrom: height,
    /** For the whole address, not the page: every credit in the history, and what of it is pending. */
    totals: {
      type: 'object',
      required: ['credited', 'pending', 'matured'],
      properties: { credited: decimal, pending: decimal, matured: decimal },
    },
    /** Newest first: source height descending, then kind descending. */
    rewards: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'kindName', 'sourceHeight', 'maturity', 'amount', 'matured'],
        properties: {
          kind: { type: 'integer', minimum: 1 },
          kindName: { type: 'string', enum: Object.values(REWARD_KIND_NAMES) },
          sourceHeight: height,
          maturity: height,
          amount: decimal,
          matured: { type: 'boolean' },
        },
      },
    },
    /** Pass as ?before= for the next (older) page; null on the last. */
    next: { type: ['string', 'null'] },
  },
} as const;
export type RewardsBody = FromSchema<typeof rewardsBody>;
