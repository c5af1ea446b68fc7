import { InvalidArgumentError } from '../util/errors.js';

/** Throws unless `value` is a Uint8Array (of `length` bytes when given). */
export function checkBytes(name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError('not-bytes', `${name} must be a Uint8Array, got ${describe(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new InvalidArgumentError('bad-length', `${name} must be ${length} bytes, got ${value.length}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor.name;
}
