// The answers of the music routes (PROTOCOL.md §4.3–§4.6, §6.5, §7):
// musicians, songs, listeners, settled periods and the current period's
// chart. Amounts, values and weights are decimal strings in base units (u128);
// heights, periods and counts that a double holds are numbers; accounts are
// the network's bech32m addresses, song ids hex.
import type { FromSchema } from 'json-schema-to-ts';
import { decimal, hex32, height } from './fragments.js';

const address = { type: 'string' } as const;
const roles = { type: 'array', items: { type: 'string', enum: ['musician', 'listener'] } } as const;

/** §7.1's reasons, in its order, or null when eligible. */
export const INELIGIBILITY_REASONS = [
  'not-a-listener',
  'too-young',
  'no-counted-seconds',
  'no-support',
] as const;

/** An account's credits of one reward kind (§3.10), from the reward history. */
const kindTotals = {
  type: 'object',
  required: ['credited', 'pending', 'matured'],
  properties: { credited: decimal, pending: decimal, matured: decimal },
} as const;

/** The open period: which it is and the key height whose KeyConnect settles it (§3.8 step 1). */
const openPeriod = {
  type: 'object',
  required: ['period', 'settlesAt'],
  properties: { period: height, settlesAt: height },
} as const;

/** GET /musicians/:address. */
export const musicianBody = {
  type: 'object',
  required: [
    'address',
    'height',
    'roles',
    'name',
    'regHeight',
    'songs',
    'songsTruncated',
    'earnings',
    'incomeCompleteFrom',
    'rewardsCompleteFrom',
  ],
  properties: {
    address,
    /** The tip's key height it was read at. */
    height,
    roles,
    name: { type: 'string' },
    regHeight: height,
    /** The songs it owns (§4.4), ascending id. */
    songs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'durationS'],
        properties: { id: hex32, title: { type: 'string' }, durationS: { type: 'integer' } },
      },
    },
    /** More songs than one answer lists (decision 189). */
    songsTruncated: { type: 'boolean' },
    earnings: {
      type: 'object',
      required: ['donations', 'subscriptions', 'songRewards'],
      properties: {
        /** What Donates paid it: the musicians' side of the 90/10, its share of each split (§4.5). */
        donations: decimal,
        /** What Subscribes paid it, after the 90/10 (§4.6). */
        subscriptions: decimal,
        /** Kind 5 credits (§7.3): pending until REWARD_MATURITY after their settlement. */
        songRewards: kindTotals,
      },
    },
    /** Donations and subscriptions count from this key height (a data directory upgraded to schema 4). */
    incomeCompleteFrom: height,
    /** Rewards count from this key height (a data directory upgraded to schema 3). */
    rewardsCompleteFrom: height,
  },
} as const;
export type MusicianBody = FromSchema<typeof musicianBody>;

const valueAndMatch = {
  type: 'object',
  required: ['value', 'matched'],
  properties: { value: decimal, matched: decimal },
} as const;

/** GET /songs/:id. */
export const songBody = {
  type: 'object',
  required: [
    'id',
    'height',
    'owner',
    'title',
    'durationS',
    'regHeight',
    'splits',
    'current',
    'earnings',
    'incomeCompleteFrom',
  ],
  properties: {
    id: hex32,
    height,
    owner: address,
    title: { type: 'string' },
    durationS: { type: 'integer' },
    regHeight: height,
    /** The immutable split (§4.4), as registered. */
    splits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['address', 'bp'],
        properties: { address, bp: { type: 'integer', minimum: 1, maximum: 10000 } },
      },
    },
    /** This period so far: counted plays and seconds, and what settlement would route and match now. */
    current: {
      type: 'object',
      required: ['period', 'settlesAt', 'plays', 'seconds', 'value', 'matched'],
      properties: {
        ...openPeriod.properties,
        plays: height,
        seconds: height,
        /** value(s): the support eligible listeners route to it (§7.3), provisional. */
        value: decimal,
        /** m_s with the pools accumulated so far, provisional. */
        matched: decimal,
      },
    },
    earnings: {
      type: 'object',
      required: ['donated', 'donations', 'paidToHolders', 'rewards'],
      properties: {
        /** Σ of the Donates to it, before the 90/10. */
        donated: decimal,
        donations: height,
        /** What those paid its split holders: 90%. */
        paidToHolders: decimal,
        /** Σ m_s of its settled periods (§7.3), paid through its split as kind 5. */
        rewards: decimal,
      },
    },
    incomeCompleteFrom: height,
  },
} as const;
export type SongBody = FromSchema<typeof songBody>;

/** GET /listeners/:address. */
export const listenerBody = {
  type: 'object',
  required: [
    'address',
    'height',
    'roles',
    'regHeight',
    'current',
    'eligible',
    'reason',
    'rewards',
    'rewardsCompleteFrom',
  ],
  properties: {
    address,
    height,
    /** Empty: no identity (it paid without registering). */
    roles,
    regHeight: { type: ['integer', 'null'], minimum: 0 },
    current: {
      type: 'object',
      required: ['period', 'settlesAt', 'seconds', 'support', 'weight', 'matched'],
      properties: {
        ...openPeriod.properties,
        /** Counted seconds this period (§4.9). */
        seconds: height,
        /** What it paid by Donate and Subscribe this period, before the 90/10 (§7.1). */
        support: decimal,
        /** w(l) (§7.3), provisional; 0 when not eligible. */
        weight: decimal,
        /** Its listener credit with the pools accumulated so far, provisional. */
        matched: decimal,
      },
    },
    /** §7.1 judged at the settlement height, on the state now. */
    eligible: { type: 'boolean' },
    reason: { type: ['string', 'null'], enum: [...INELIGIBILITY_REASONS, null] },
    /** Kind 6 credits. */
    rewards: kindTotals,
    rewardsCompleteFrom: height,
  },
} as const;
export type ListenerBody = FromSchema<typeof listenerBody>;

const pool = {
  type: 'object',
  required: ['pool', 'sum', 'distributed', 'paid', 'undistributed', 'dust'],
  properties: {
    pool: decimal,
    /** S_M, S_L or S_A. */
    sum: decimal,
    /** D_M, D_L or D_A. */
    distributed: decimal,
    paid: decimal,
    /** pool − D, never minted. */
    undistributed: decimal,
    /** D − paid, never minted. */
    dust: decimal,
  },
} as const;

const valuedSongs = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'value', 'matched'],
    properties: { id: hex32, value: decimal, matched: decimal },
  },
} as const;

const valuedAccounts = {
  type: 'array',
  items: {
    type: 'object',
    required: ['address', 'value', 'matched'],
    properties: { address, value: decimal, matched: decimal },
  },
} as const;

/** GET /periods/:n. */
export const periodBody = {
  type: 'object',
  required: [
    'period',
    'height',
    'blockId',
    'pools',
    'musicians',
    'listeners',
    'apps',
    'reserve',
    'songs',
    'appValues',
    'listenerWeights',
    'credits',
  ],
  properties: {
    period: height,
    /** The settlement height c. */
    height,
    /** The block whose transition ran KeyConnect(c). */
    blockId: hex32,
    pools: {
      type: 'object',
      required: ['musicians', 'listeners', 'apps', 'infrastructure', 'validators'],
      properties: {
        musicians: decimal,
        listeners: decimal,
        apps: decimal,
        infrastructure: decimal,
        validators: decimal,
      },
    },
    musicians: pool,
    listeners: pool,
    apps: pool,
    /** The reserve's balance R that voting rewards shared (§8.4). */
    reserve: decimal,
    /** value(s) and m_s, ascending id. */
    songs: valuedSongs,
    /** value(a) and the app's credit, ascending account. */
    appValues: valuedAccounts,
    /** w(l) and the listener's credit, ascending account. */
    listenerWeights: valuedAccounts,
    /** Every credit of steps 1–5, in the order paid; kind 5 names its song. */
    credits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['address', 'kind', 'kindName', 'amount', 'song'],
        properties: {
          address,
          kind: { type: 'integer' },
          kindName: { type: 'string' },
          amount: decimal,
          song: { anyOf: [hex32, { type: 'null' }] },
        },
      },
    },
  },
} as const;
export type PeriodBody = FromSchema<typeof periodBody>;

/** GET /charts. */
export const chartsBody = {
  type: 'object',
  required: ['height', 'period', 'settlesAt', 'songs'],
  properties: {
    height,
    ...openPeriod.properties,
    /** By value this period descending, then counted seconds, then id; provisional. */
    songs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['rank', 'id', 'title', 'owner', 'plays', 'seconds', 'value', 'matched'],
        properties: {
          rank: { type: 'integer', minimum: 1 },
          id: hex32,
          title: { type: 'string' },
          owner: address,
          plays: height,
          seconds: height,
          ...valueAndMatch.properties,
        },
      },
    },
  },
} as const;
export type ChartsBody = FromSchema<typeof chartsBody>;
