// The node's HTTP API as the page reads it: same origin, JSON, and never a
// throw: a panel gets either the body or why it has none (a 404 such as
// `stratum-off` carries the node's own message, which says how to turn it on).
// The shapes below name only the fields the page shows.

export type Answer<T> =
  | { readonly ok: true; readonly body: T }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export async function getJson<T>(path: string): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (error) {
    return {
      ok: false,
      status: 0,
      code: 'unreachable',
      message: `the node did not answer (${error instanceof Error ? error.message : String(error)}): is it running?`,
    };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return { ok: true, body: body as T };
  const refusal = (body ?? {}) as { code?: unknown; message?: unknown };
  return {
    ok: false,
    status: response.status,
    code: typeof refusal.code === 'string' ? refusal.code : `http-${response.status}`,
    message: typeof refusal.message === 'string' ? refusal.message : `HTTP ${response.status}`,
  };
}

export interface BlockRef {
  readonly id: string;
  readonly kind: 'key' | 'micro';
  readonly keyHeight: number;
  readonly seq: number | null;
}

export interface Status {
  readonly network: string;
  readonly tip: BlockRef;
  readonly height: number;
  readonly peers: number;
  readonly peerId: string | null;
  readonly sync: { readonly syncing: boolean; readonly height: number; readonly target: number };
  readonly mempool: { readonly count: number; readonly bytes: number; readonly minFeeRate: string };
  readonly mining: boolean;
  readonly hashRate: number;
  readonly hashes: number;
  readonly pacedForS: number | null;
  readonly lastBlockAgeS: number;
  readonly stratum: {
    readonly port: number;
    readonly mode: string;
    readonly workers: number;
    readonly hashRate: number;
  } | null;
}

export interface Supply {
  readonly minted: string;
  readonly burned: string;
  readonly bonded: string;
  readonly cap: string;
  readonly pending: { readonly mint: string };
  readonly schedule: { readonly next: string; readonly nextHalvingHeight: number | null };
}

export interface Validators {
  readonly minStake: string;
  readonly total: string;
  readonly nextBootstraps: boolean;
  readonly period: { readonly start: number; readonly end: number };
  readonly validators: readonly {
    readonly address: string;
    readonly bonded: string;
    readonly weight: string;
    readonly lastEndorsed: number;
    readonly slotsWon: number;
    readonly slotsIncluded: number;
  }[];
}

export interface Charts {
  readonly period: number;
  readonly settlesAt: number;
  readonly songs: readonly {
    readonly rank: number;
    readonly id: string;
    readonly title: string;
    readonly plays: number;
    readonly seconds: number;
    readonly value: string;
  }[];
}

export interface Peers {
  readonly peers: readonly {
    readonly id: string;
    readonly direction: string;
    readonly tipKeyHeight: number | null;
    readonly score: number;
  }[];
}

export interface StratumWorkers {
  readonly workers: readonly {
    readonly worker: string;
    readonly connections: number;
    readonly accepted: number;
    readonly hashRate: number;
    readonly lastShareMs: number | null;
  }[];
}
