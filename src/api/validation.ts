// How a request is checked against its route's schema, for every route: one
// ajv instance and one translation of its verdicts into `{code, message, field}`.
// Integers in a URL (path parameters, query strings) are read by params.ts
// before ajv sees them, never by ajv's type coercion, which takes "1e3",
// "0x10", " " and "Infinity" for numbers.
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { BadRequestError } from './errors.js';
import { parseUrlInteger } from './params.js';

export function requestValidator(): FastifySchemaCompiler<FastifySchema> {
  const ajv = new Ajv({
    coerceTypes: 'array',
    removeAdditional: true,
    useDefaults: true,
    allErrors: false,
    allowUnionTypes: true,
  });
  return ({ schema, httpPart }) => {
    const validate = ajv.compile(schema);
    const part = httpPart ?? 'body';
    const inUrl = part === 'params' || part === 'querystring';
    const integers = inUrl ? integerFields(schema) : [];
    return (data: unknown) => {
      let value: unknown;
      try {
        value = withIntegers(data, integers);
      } catch (error) {
        if (error instanceof BadRequestError) return { error };
        throw error;
      }
      if (!validate(value)) return { error: refusal(validate.errors?.[0], part) };
      // fastify replaces the request's params and query with what is returned: the integers read.
      return inUrl ? { value } : true;
    };
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The properties a URL part's schema declares as integers. */
function integerFields(schema: unknown): string[] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return [];
  return Object.entries(schema.properties)
    .filter(([, property]) => isRecord(property) && property.type === 'integer')
    .map(([name]) => name);
}

/** A copy of `data` with each named field read by parseUrlInteger. */
function withIntegers(data: unknown, names: readonly string[]): unknown {
  if (names.length === 0 || !isRecord(data)) return data;
  const out: Record<string, unknown> = { ...data };
  for (const name of names) {
    const raw = out[name];
    if (raw === undefined) continue;
    // A query parameter given twice arrives as an array: no one integer to read.
    if (typeof raw !== 'string') throw new BadRequestError('bad-integer', `give ${name} once`, name);
    out[name] = parseUrlInteger(raw, name);
  }
  return out;
}

/** ajv's first complaint as a 400, naming the field where there is one. */
function refusal(error: ErrorObject | undefined, part: string): BadRequestError {
  if (error === undefined) return new BadRequestError('bad-request', `${part} does not match its schema`);
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing: unknown = error.params.missingProperty;
  const field = path !== '' ? path : typeof missing === 'string' ? missing : undefined;
  return new BadRequestError(
    'bad-request',
    `${part}${error.instancePath} ${error.message ?? 'is invalid'}`,
    field,
  );
}
