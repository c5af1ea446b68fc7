// What the example app and the listener simulator ask of an Altostream node,
// over its HTTP API only (README "HTTP API"): accounts and nonces, submitting
// a signed transaction (POST /txs), its confirmation (GET /txs/:id), an app's
// stake, the mempool's fee rate. Errors come back as the node's codes.
import {
  encodeTx,
  minimumFee,
  toHex,
  type NetworkParams,
  type Tx,
  type TxPayload,
} from '../../src/client/index.js';

/** How often a wait polls the node: short, as a local node answers in a millisecond or two. */
export const POLL_MS = 100;

export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
  /** The nonce after the sender's transactions waiting in the mempool. */
  readonly nextNonce: bigint;
}

/** What POST /txs answered: the txid, or the node's refusal code and message. */
export type Submitted =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export class NodeApi {
  constructor(
    readonly url: string,
    readonly params: NetworkParams,
  ) {}

  private async get(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`);
  }

  private async json<T>(path: string): Promise<T> {
    const response = await this.get(path);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** The account, or undefined while it does not exist (404 `unknown-account`). */
  async account(address: string): Promise<Account | undefined> {
    const response = await this.get(`/accounts/${address}`);
    if (response.status === 404) return undefined;
    if (!response.ok)
      throw new Error(`GET /accounts/${address}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { balance: string; nonce: string; nextNonce: string };
    return { balance: BigInt(body.balance), nonce: BigInt(body.nonce), nextNonce: BigInt(body.nextNonce) };
  }

  /** The nonce a new transaction of `address` takes: after its pending ones. */
  async nextNonce(address: string): Promise<bigint> {
    return (await this.account(address))?.nextNonce ?? 0n;
  }

  /** The fee the node relays `payload` for, at its current minimum fee rate. */
  async feeFor(payload: TxPayload): Promise<bigint> {
    const status = await this.json<{ mempool: { minFeeRate: string } }>('/status');
    return minimumFee(payload, this.params, BigInt(status.mempool.minFeeRate));
  }

  async submit(tx: Tx): Promise<Submitted> {
    const response = await fetch(`${this.url}/txs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hex: toHex(encodeTx(tx)) }),
    });
    const body = (await response.json()) as { id?: string; code?: string; message?: string };
    if (response.ok && body.id !== undefined) return { ok: true, id: body.id };
    return {
      ok: false,
      status: response.status,
      code: body.code ?? 'unknown',
      message: body.message ?? '',
    };
  }

  /** 'confirmed', 'pending', or 'unknown' once the node holds it nowhere (dropped). */
  async txStatus(id: string): Promise<'confirmed' | 'pending' | 'unknown'> {
    const response = await this.get(`/txs/${id}`);
    if (response.status === 404) return 'unknown';
    if (!response.ok) throw new Error(`GET /txs/${id}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { status: 'confirmed' | 'pending' }).status;
  }

  /** Waits until `id` is in a block; throws if the node drops it or `timeoutMs` passes. */
  async waitConfirmed(id: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.txStatus(id);
      if (status === 'confirmed') return;
      if (status === 'unknown') throw new Error(`tx ${id} left the node's mempool unconfirmed`);
      if (Date.now() > deadline) throw new Error(`tx ${id} not confirmed within ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
  }

  /** The app bond of `address` and its service key (hex), if it holds one with weight. */
  async appStake(address: string): Promise<{ weight: bigint; serviceKey: string | null } | undefined> {
    const response = await this.get(`/stakes/${address}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET /stakes/${address}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as {
      bonds: { role: string; weight: string }[];
      app: { serviceKey: string } | null;
    };
    const bond = body.bonds.find((b) => b.role === 'app');
    return { weight: BigInt(bond?.weight ?? '0'), serviceKey: body.app?.serviceKey ?? null };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown when the node refuses a transaction the example needs. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Submits `tx` and returns its id, or throws the node's refusal. */
export async function submitOrThrow(api: NodeApi, tx: Tx, what: string): Promise<string> {
  const result = await api.submit(tx);
  if (!result.ok) throw new RefusedError(result.code, `${what}: the node refused it: ${result.message}`);
  return result.id;
}
