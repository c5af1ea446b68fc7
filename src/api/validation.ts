// How a request is checked against its route's schema, for every route: one
// ajv instance and one translation of its verdicts into `{code, message, field}`.
// Schemas are enforced as written, as API clients expect: a property the schema
// does not declare is refused and named (fastify's default drops it silently),
// and a JSON body is taken as sent, never coerced ({"hex": 12} is not "12").
// Integers in a URL (path parameters, query strings) are read by params.ts
// before ajv sees them, never by ajv's type coercion, which takes "1e3",
// "0x10", " " and "Infinity" for numbers; every other URL value stays a string.
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { BadRequestError } from './errors.js';
import { parseUrlInteger } from './params.js';

export function requestValidator(): FastifySchemaCompiler<FastifySchema> {
  const ajv = new Ajv({
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    allowUnionTypes: true,
  });
  return ({ schema, httpPart }) => {
    const validate = ajv.compile(schema);
    const part = httpPart ?? 'body';
    const inUrl = part === 'params' || part === 'querystring';
    const integers = inUrl ? integerFields(schema) : [];
    const declared = propertyNames(schema);
    return (data: unknown) => {
      let value: unknown;
      try {
        value = withIntegers(data, integers);
      } catch (error) {
        if (error instanceof BadRequestError) return { error };
        throw error;
      }
      if (!validate(value)) return { error: refusal(validate.errors?.[0], part, declared) };
      // fastify replaces the request's params and query with what is returned: the integers read.
      return inUrl ? { value } : true;
    };
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertyNames(schema: unknown): string[] {
  return isRecord(schema) && isRecord(schema.properties) ? Object.keys(schema.properties) : [];
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

/** What an unknown property is called in each part of a request. */
const PROPERTY_NOUN: Record<string, string> = {
  body: 'body property',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};
/** A client chooses the names it sends: the one named back is cut to this length. */
const MAX_NAMED = 64;

/** ajv's first complaint as a 400, naming the field where there is one. */
function refusal(error: ErrorObject | undefined, part: string, declared: readonly string[]): BadRequestError {
  if (error === undefined) return new BadRequestError('bad-request', `${part} does not match its schema`);
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra: unknown = error.params.additionalProperty;
  if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
    const name = extra.length > MAX_NAMED ? `${extra.slice(0, MAX_NAMED)}…` : extra;
    const noun = PROPERTY_NOUN[part] ?? 'property';
    // The field names the property, so the message need not repeat what the client sent.
    const message =
      path !== ''
        ? `unknown ${noun} in ${path}`
        : `unknown ${noun}; this route takes ${declared.length === 0 ? 'none' : declared.join(', ')}`;
    return new BadRequestError('unknown-field', message, path === '' ? name : `${path}.${name}`);
  }
  const missing: unknown = error.params.missingProperty;
  const field = path !== '' ? path : typeof missing === 'string' ? missing : undefined;
  return new BadRequestError(
    'bad-request',
    `${part}${error.instancePath} ${error.message ?? 'is invalid'}`,
    field,
  );
}
