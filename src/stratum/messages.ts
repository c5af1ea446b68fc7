// Stratum v1's JSON-RPC lines (PROTOCOL.md §11.3): requests in, responses
// and notifications out, and the error codes 20–25.

export const ERRORS = {
  other: 20,
  stale: 21,
  duplicate: 22,
  lowDifficulty: 23,
  unauthorized: 24,
  notSubscribed: 25,
} as const;

export type StratumErrorCode = (typeof ERRORS)[keyof typeof ERRORS];

/** `[code, message, null]`, as Stratum pools answer. */
export type StratumError = readonly [StratumErrorCode, string, null];

export interface Request {
  /** A number or a string in practice; echoed back as it came. */
  readonly id: unknown;
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface Response {
  readonly id: unknown;
  readonly result: unknown;
  readonly error: StratumError | null;
}

export interface Notification {
  readonly id: null;
  readonly method: string;
  readonly params: readonly unknown[];
}

export type Outgoing = Response | Notification;

export function stratumError(code: StratumErrorCode, message: string): StratumError {
  return [code, message, null];
}

/**
 * A request from one line, or why it is not one: 'malformed' (not JSON, or not
 * an object) closes the connection; 'not-a-request' (no method) is answered
 * with error 20 when it has an id.
 */
export function parseRequest(
  line: string,
): { request: Request } | { invalid: 'malformed' } | { invalid: 'not-a-request'; id: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { invalid: 'malformed' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { invalid: 'malformed' };
  const { id, method, params } = value as Record<string, unknown>;
  if (typeof method !== 'string' || (params !== undefined && !Array.isArray(params))) {
    return { invalid: 'not-a-request', id: id ?? null };
  }
  return { request: { id: id ?? null, method, params: (params as unknown[] | undefined) ?? [] } };
}

export function encodeLine(message: Outgoing): string {
  return `${JSON.stringify(message)}\n`;
}
