// Errors the API maps to HTTP statuses in one place (refusals.ts): the body is
// always `{ code, message, field? }`, with the code shared by logs, clients and tests.

/** The thing asked for does not exist (404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly code:
      | 'unknown-block'
      | 'unknown-tx'
      | 'unknown-account'
      | 'unknown-proposal'
      | 'unknown-musician'
      | 'unknown-song'
      | 'unknown-listener'
      | 'period-not-settled'
      | 'no-period-record'
      | 'not-found'
      | 'stratum-off'
      | 'not-a-pool',
    message: string,
  ) {
    super(message);
  }
}

/** A token-protected route called without the node's API token (401). */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  readonly code = 'unauthorized';
}

/** A client over its requests per minute (429, with Retry-After; api/exposure.ts). */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate-limited';
  readonly statusCode = 429;
}

/**
 * A request the node cannot serve as asked (400): one its schema refuses, or a
 * template with no payout to name. `field` names the part of the request at fault.
 */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
