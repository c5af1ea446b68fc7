/**
 * An error the caller caused with bad input (a flag, a length, a parameter):
 * it carries a stable kebab-case code for logs, APIs and tests, and a message
 * that says what to do instead.
 */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
