// Errors the API maps to HTTP statuses in one place (server.ts): the body is
// always `{ code, message }`, with the code shared by logs, clients and tests.

/** The thing asked for does not exist (404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly code: 'unknown-block' | 'unknown-tx' | 'unknown-account' | 'not-found',
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

/** A well-formed request the node cannot serve as asked (400), e.g. a template with no payout to name. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
