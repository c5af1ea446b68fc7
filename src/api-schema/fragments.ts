// JSON Schema fragments shared by the routes of the HTTP API. Amounts and chain
// work are decimal strings (they pass 2^53); heights and counts are numbers.

export const hex32 = { type: 'string', pattern: '^[0-9a-f]{64}$', maxLength: 64 } as const;
export const hexBytes = { type: 'string', pattern: '^([0-9a-fA-F]{2})*$' } as const;
export const decimal = { type: 'string', pattern: '^[0-9]+$' } as const;
export const height = { type: 'integer', minimum: 0 } as const;
/** A height or count in a URL: up to 2^53 - 1, the most a JSON number carries exactly (api/params.ts). */
export const urlInteger = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export const errorBody = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
} as const;

/** The error responses every route may give. */
export const errorResponses = {
  400: errorBody,
  404: errorBody,
  413: errorBody,
  500: errorBody,
} as const;

/** A route that takes no query parameters says so. */
export const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;

/** A path with one `:address` (checked by the route: bech32m of this network, §2.4). */
export const addressParams = {
  type: 'object',
  required: ['address'],
  properties: { address: { type: 'string', maxLength: 120 } },
  additionalProperties: false,
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: hex32 },
  additionalProperties: false,
} as const;

export const blockRef = {
  type: 'object',
  required: ['id', 'kind', 'keyHeight', 'seq'],
  properties: {
    id: hex32,
    kind: { type: 'string', enum: ['key', 'micro'] },
    keyHeight: height,
    seq: { type: ['integer', 'null'] },
  },
} as const;

export const block = {
  type: 'object',
  required: ['id', 'kind', 'keyHeight', 'seq', 'prev', 'timeMs', 'bestChain', 'hex'],
  properties: {
    id: hex32,
    kind: { type: 'string', enum: ['key', 'micro'] },
    keyHeight: height,
    seq: { type: ['integer', 'null'] },
    prev: hex32,
    timeMs: { type: 'integer' },
    bestChain: { type: 'boolean' },
    chainWork: decimal,
    // key blocks
    version: { type: 'integer' },
    root: hex32,
    time: { type: 'integer' },
    bits: { type: 'string' },
    nonce: { type: 'integer' },
    leaderKey: hex32,
    payout: { type: 'string' },
    extranonce: hexBytes,
    aux: hex32,
    /** How it was activated (§5.4), or `candidate` while it waits for its M_{h,0}. */
    activation: { type: 'string', enum: ['endorsed', 'bootstrap', 'fallback', 'candidate'] },
    /** An endorsed key block's included endorsements, from its M_{h,0}; null when not known here. */
    endorsers: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['index', 'validator'],
        properties: { index: { type: 'integer', minimum: 0 }, validator: { type: 'string' } },
      },
    },
    // microblocks
    txRoot: hex32,
    txCount: { type: 'integer' },
    actHash: hex32,
    leaderSig: hexBytes,
    txs: { type: 'array', items: hex32 },
    hex: hexBytes,
  },
} as const;

export const tx = {
  type: 'object',
  required: ['id', 'version', 'type', 'sender', 'from', 'nonce', 'fee', 'validUntil', 'payload', 'size'],
  properties: {
    id: hex32,
    version: { type: 'integer' },
    type: { type: 'integer' },
    sender: hex32,
    from: { type: 'string' },
    nonce: decimal,
    fee: decimal,
    validUntil: decimal,
    payload: { type: 'object', additionalProperties: true },
    signature: hexBytes,
    size: { type: 'integer' },
  },
} as const;
