// A typed client for the node's HTTP API, the routes a wallet needs. Amounts
// travel as decimal strings and become bigint here; every answer is checked
// field by field, so a wrong server fails with 'bad-response', not a TypeError.
import { encodeTx, type Tx } from '../protocol/tx.js';
import { toHex } from '../util/bytes.js';

export const REQUEST_TIMEOUT_MS = 10_000;

/** The node answered, with an error status or a body this client cannot read. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all: nothing listening, or no reply within the timeout. */
export class NodeUnreachableError extends Error {
  override readonly name = 'NodeUnreachableError';
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

export interface NodeStatus {
  readonly network: string;
  readonly chainId: string;
  readonly tip: {
    readonly id: string;
    readonly kind: 'key' | 'micro';
    readonly keyHeight: number;
    readonly seq: number | null;
  };
  readonly height: number;
  readonly chainWork: bigint;
  readonly peers: number;
  /** minFeeRate: base units per byte. */
  readonly mempool: { readonly count: number; readonly bytes: number; readonly minFeeRate: bigint };
  readonly hashRate: number;
  readonly syncing: boolean;
  readonly lastBlockAgeS: number;
}

export interface AccountInfo {
  readonly address: string;
  readonly balance: bigint;
  readonly nonce: bigint;
  /** The nonce for this sender's next tx, counting its txs pending in the mempool. */
  readonly nextNonce: bigint;
  readonly unmatured: bigint;
}

export interface BlockRef {
  readonly id: string;
  readonly keyHeight: number;
  readonly seq: number;
}

export interface TxStatus {
  readonly id: string;
  readonly status: 'pending' | 'confirmed';
  readonly block: BlockRef | null;
  readonly confirmations: number;
}

export interface NodeClientOptions {
  /** The API's base URL, such as http://127.0.0.1:27371. */
  readonly url: string;
  readonly timeoutMs?: number;
  /** Cancels every request (Ctrl-C); its abort error passes through unchanged. */
  readonly signal?: AbortSignal;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field readers for one answer; a missing or mistyped field is an ApiError 'bad-response'. */
class Fields {
  constructor(
    private readonly route: string,
    private readonly status: number,
  ) {}

  fail(what: string): ApiError {
    return new ApiError(this.status, 'bad-response', `${this.route}: ${what}`);
  }

  object(value: unknown, name: string): Json {
    if (!isRecord(value)) throw this.fail(`${name} is not an object`);
    return value;
  }

  string(o: Json, key: string): string {
    const v = o[key];
    if (typeof v !== 'string') throw this.fail(`${key} is not a string`);
    return v;
  }

  number(o: Json, key: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(`${key} is not a number`);
    return v;
  }

  integer(o: Json, key: string): number {
    const v = this.number(o, key);
    if (!Number.isSafeInteger(v) || v < 0) throw this.fail(`${key} is not a whole number`);
    return v;
  }

  decimal(o: Json, key: string): bigint {
    const v = this.string(o, key);
    if (!/^(0|[1-9][0-9]*)$/.test(v)) throw this.fail(`${key} is not a decimal integer`);
    return BigInt(v);
  }

  boolean(o: Json, key: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') throw this.fail(`${key} is not a boolean`);
    return v;
  }

  oneOf<T extends string>(o: Json, key: string, values: readonly T[]): T {
    const v = this.string(o, key);
    if (!(values as readonly string[]).includes(v))
      throw this.fail(`${key} is not one of ${values.join(', ')}`);
    return v as T;
  }
}

/** undefined for a 404 with `code`: the route's way of saying "no such thing". */
async function orNotFound<T>(code: string, answer: Promise<T>): Promise<T | undefined> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code === code) return undefined;
    throw error;
  }
}

export class NodeClient {
  readonly url: string;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;

  constructor(opts: NodeClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.base = new URL(`${this.url}/`);
    this.timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.signal = opts.signal;
  }

  async status(): Promise<NodeStatus> {
    const { body, f } = await this.request('GET', 'status');
    const o = f.object(body, 'the answer');
    const tip = f.object(o.tip, 'tip');
    const mempool = f.object(o.mempool, 'mempool');
    return {
      network: f.string(o, 'network'),
      chainId: f.string(o, 'chainId'),
      tip: {
        id: f.string(tip, 'id'),
        kind: f.oneOf(tip, 'kind', ['key', 'micro'] as const),
        keyHeight: f.integer(tip, 'keyHeight'),
        seq: tip.seq === null ? null : f.integer(tip, 'seq'),
      },
      height: f.integer(o, 'height'),
      chainWork: f.decimal(o, 'chainWork'),
      peers: f.integer(o, 'peers'),
      mempool: {
        count: f.integer(mempool, 'count'),
        bytes: f.integer(mempool, 'bytes'),
        minFeeRate: f.decimal(mempool, 'minFeeRate'),
      },
      hashRate: f.number(o, 'hashRate'),
      syncing: f.boolean(o, 'syncing'),
      lastBlockAgeS: f.number(o, 'lastBlockAgeS'),
    };
  }

  /** The account, or undefined if it does not exist yet (404 'unknown-account': balance 0). */
  async account(address: string): Promise<AccountInfo | undefined> {
    const answer = await orNotFound(
      'unknown-account',
      this.request('GET', `accounts/${encodeURIComponent(address)}`),
    );
    if (answer === undefined) return undefined;
    const { body, f } = answer;
    const o = f.object(body, 'the answer');
    return {
      address: f.string(o, 'address'),
      balance: f.decimal(o, 'balance'),
      nonce: f.decimal(o, 'nonce'),
      nextNonce: f.decimal(o, 'nextNonce'),
      unmatured: f.decimal(o, 'unmatured'),
    };
  }

  /** Submits a signed tx; a rejected one is an ApiError carrying the rule's code. */
  async submitTx(tx: Tx): Promise<{ readonly id: string; readonly status: 'pending' }> {
    const hex = toHex(encodeTx(tx));
    const { body, f } = await this.request('POST', 'txs', { hex });
    const o = f.object(body, 'the answer');
    return { id: f.string(o, 'id'), status: f.oneOf(o, 'status', ['pending'] as const) };
  }

  /** The tx's status, or undefined if the node does not know it (404 'unknown-tx'). */
  async tx(id: string): Promise<TxStatus | undefined> {
    const answer = await orNotFound('unknown-tx', this.request('GET', `txs/${encodeURIComponent(id)}`));
    if (answer === undefined) return undefined;
    const { body, f } = answer;
    const o = f.object(body, 'the answer');
    let block: BlockRef | null = null;
    if (o.block !== null) {
      const b = f.object(o.block, 'block');
      block = { id: f.string(b, 'id'), keyHeight: f.integer(b, 'keyHeight'), seq: f.integer(b, 'seq') };
    }
    return {
      id: f.string(o, 'id'),
      status: f.oneOf(o, 'status', ['pending', 'confirmed'] as const),
      block,
      confirmations: f.integer(o, 'confirmations'),
    };
  }

  private async request(method: string, path: string, json?: unknown): Promise<{ body: unknown; f: Fields }> {
    const route = `${method} /${path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal === undefined ? timeout : AbortSignal.any([this.signal, timeout]);
    let status: number;
    let text: string;
    try {
      const response = await fetch(new URL(path, this.base), {
        method,
        headers:
          json === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (this.signal?.aborted === true) throw error;
      if (timeout.aborted) {
        throw new NodeUnreachableError(
          this.url,
          `the node at ${this.url} did not answer ${route} within ${this.timeoutMs / 1000} s`,
        );
      }
      throw new NodeUnreachableError(
        this.url,
        `cannot reach the node at ${this.url}: is \`altostream node\` running?`,
      );
    }
    const f = new Fields(route, status);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(status, 'bad-response', `${route}: the answer (HTTP ${status}) is not JSON`);
    }
    if (status >= 200 && status < 300) return { body, f };
    const error = isRecord(body) ? body : {};
    const code = typeof error.code === 'string' ? error.code : `http-${status}`;
    const message = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
    throw new ApiError(status, code, message);
  }
}
