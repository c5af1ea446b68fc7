// A typed client for the node's HTTP API, the routes a wallet needs. Every
// answer is validated against the schema the server answers by (api-schema/),
// so a wrong server fails with 'bad-response', not a TypeError; amounts travel
// as decimal strings and become bigint here.
import { Ajv, type ValidateFunction } from 'ajv';
import {
  accountBody,
  statusBody,
  txStatusBody,
  txSubmittedBody,
  type AccountBody,
  type StatusBody,
  type TxStatusBody,
  type TxSubmittedBody,
} from '../api-schema/responses.js';
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

/** The named fields of an answer (a newer node may add more: the schemas leave them open). */
type Known<T> = { readonly [K in keyof T as string extends K ? never : K]: T[K] };
/** Decimal-string fields read as bigint; the rest as the schema says. */
type WithBigints<T, K extends keyof Known<T>> = Omit<Known<T>, K> & { readonly [P in K]: bigint };

export type NodeStatus = Omit<WithBigints<StatusBody, 'chainWork'>, 'mempool'> & {
  readonly mempool: WithBigints<StatusBody['mempool'], 'minFeeRate'>;
};
export type AccountInfo = WithBigints<AccountBody, 'balance' | 'nonce' | 'nextNonce' | 'unmatured'>;
export type TxStatus = TxStatusBody;

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

// The answers' schemas are the server's own (api-schema/), compiled once.
const ajv = new Ajv({ allowUnionTypes: true });
const validators = {
  status: ajv.compile<StatusBody>(statusBody),
  account: ajv.compile<AccountBody>(accountBody),
  txSubmitted: ajv.compile<TxSubmittedBody>(txSubmittedBody),
  txStatus: ajv.compile<TxStatusBody>(txStatusBody),
} as const;

/** The answer if it matches its schema; otherwise an ApiError 'bad-response' naming the first mismatch. */
function checked<T>(validate: ValidateFunction<T>, answer: Answer): T {
  if (validate(answer.body)) return answer.body;
  const [first] = validate.errors ?? [];
  const where =
    first === undefined ? '' : `${first.instancePath === '' ? 'the answer' : first.instancePath} `;
  throw new ApiError(
    answer.status,
    'bad-response',
    `${answer.route}: ${where}${first?.message ?? 'does not match its schema'}`,
  );
}

interface Answer {
  readonly route: string;
  readonly status: number;
  readonly body: unknown;
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
    const body = checked(validators.status, await this.request('GET', 'status'));
    return {
      ...body,
      chainWork: BigInt(body.chainWork),
      mempool: { ...body.mempool, minFeeRate: BigInt(body.mempool.minFeeRate) },
    };
  }

  /** The account, or undefined if it does not exist yet (404 'unknown-account': balance 0). */
  async account(address: string): Promise<AccountInfo | undefined> {
    const answer = await orNotFound(
      'unknown-account',
      this.request('GET', `accounts/${encodeURIComponent(address)}`),
    );
    if (answer === undefined) return undefined;
    const body = checked(validators.account, answer);
    return {
      address: body.address,
      balance: BigInt(body.balance),
      nonce: BigInt(body.nonce),
      nextNonce: BigInt(body.nextNonce),
      unmatured: BigInt(body.unmatured),
    };
  }

  /** Submits a signed tx; a rejected one is an ApiError carrying the rule's code. */
  async submitTx(tx: Tx): Promise<TxSubmittedBody> {
    return checked(validators.txSubmitted, await this.request('POST', 'txs', { hex: toHex(encodeTx(tx)) }));
  }

  /** The tx's status, or undefined if the node does not know it (404 'unknown-tx'). */
  async tx(id: string): Promise<TxStatus | undefined> {
    const answer = await orNotFound('unknown-tx', this.request('GET', `txs/${encodeURIComponent(id)}`));
    return answer === undefined ? undefined : checked(validators.txStatus, answer);
  }

  private async request(method: string, path: string, json?: unknown): Promise<Answer> {
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
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(status, 'bad-response', `${route}: the answer (HTTP ${status}) is not JSON`);
    }
    if (status >= 200 && status < 300) return { route, status, body };
    const error = isRecord(body) ? body : {};
    const code = typeof error.code === 'string' ? error.code : `http-${status}`;
    const message = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
    throw new ApiError(status, code, message);
  }
}
