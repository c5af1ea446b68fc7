// What makes the API safe to bind beyond loopback (docs/decisions.md 227–234):
// a rate limit per client address, CORS only for the origins the operator
// names, a warning at startup saying what is exposed, and limits on every
// route's inputs, checked when the route is registered.
import type { FastifyCorsOptions } from '@fastify/cors';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { InvalidArgumentError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { RateLimitedError } from './errors.js';

/** Requests per client address per minute when NodeConfig.apiRateLimit is left out. */
export const DEFAULT_RATE_LIMIT = 1000;
/** The rate limit's window: a minute, as the flag's unit says. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
/**
 * Client addresses the limiter counts at once (an LRU): past it the least recent
 * is forgotten. IPv6 clients count per /64 (the plugin's default), so one host
 * cannot mint fresh addresses to escape its quota.
 */
export const RATE_LIMIT_CLIENTS = 10_000;

export interface ApiRateLimit {
  /** Requests per client address per minute; 0: no limit. */
  readonly max: number;
  /** Whether loopback clients count too (exempt when false, so local apps and benches are not throttled). */
  readonly loopback: boolean;
}

export const DEFAULT_API_RATE_LIMIT: ApiRateLimit = { max: DEFAULT_RATE_LIMIT, loopback: false };

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x: the client is on this machine. */
export function isLoopbackAddress(ip: string): boolean {
  const v4 = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

/** A listen host that only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/** @fastify/rate-limit's options; undefined when the limit is off (max 0). */
export function rateLimitOptions(limit: ApiRateLimit): RateLimitPluginOptions | undefined {
  if (!Number.isSafeInteger(limit.max) || limit.max < 0) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--api-rate-limit ${limit.max} is not a count: pass requests per minute per client, 0 for no limit`,
    );
  }
  if (limit.max === 0) return undefined;
  return {
    max: limit.max,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    cache: RATE_LIMIT_CLIENTS,
    // The socket's address: X-Forwarded-For is not trusted (a client could name any address).
    allowList: limit.loopback ? undefined : (request: FastifyRequest) => isLoopbackAddress(request.ip),
    // Thrown into the error handler, which answers `{ code, message }` (refusals.ts); Retry-After is set already.
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError(
        `more than ${context.max} requests a minute from this address: retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s (Retry-After)`,
      ),
  };
}

/**
 * @fastify/cors's options for the configured origins; undefined when none, so
 * no CORS header is ever sent. `*` allows any origin.
 */
export function corsOptions(origins: readonly string[]): FastifyCorsOptions | undefined {
  if (origins.length === 0) return undefined;
  return {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    // A preflight is cheap to repeat but not free: browsers may keep it this long (seconds).
    maxAge: 600,
  };
}

/** Logged once at startup when the API is reachable from beyond this machine. */
export function warnIfExposed(
  host: string,
  limit: ApiRateLimit,
  cors: readonly string[],
  logger: Logger,
): void {
  if (isLoopbackHost(host)) return;
  const rate =
    limit.max === 0
      ? 'no rate limit (--api-rate-limit 0)'
      : `a rate limit of ${limit.max} requests a minute per client address${limit.loopback ? '' : ' (loopback exempt)'}`;
  logger.warn(
    { host, rateLimit: limit.max, rateLimitLoopback: limit.loopback, cors },
    `the API listens beyond this machine: every read route is open to whoever reaches ${host}; ` +
      `write and admin routes need the bearer token in <datadir>/api-token, POST /txs takes signed transactions from anyone; ` +
      `${rate} (--api-host 127.0.0.1 keeps it local)`,
  );
}

/** Methods whose requests carry a body fastify reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An `onRoute` hook: a route with a body names its own bodyLimit, and every
 * string its URL, headers or body take has a maxLength (or an enum), every
 * integer a minimum and a maximum, every array a maxItems. A route that does
 * not cannot be registered, so the node does not start with an unbounded input.
 */
export function requireLimits(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const name = `${methods.join(',')} ${route.url}`;
  if (methods.some((m) => BODY_METHODS.has(m)) && route.bodyLimit === undefined) {
    throw new Error(`${name} must declare its bodyLimit`);
  }
  const schema = route.schema as Record<string, unknown> | undefined;
  for (const part of ['params', 'querystring', 'headers', 'body'] as const) {
    const unbounded = unboundedFields(schema?.[part], part);
    if (unbounded.length > 0) {
      throw new Error(`${name}: ${unbounded.join(', ')} must be bounded (maxLength, maximum, maxItems)`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The paths of the strings, integers and arrays in a request schema that lack a bound. */
export function unboundedFields(schema: unknown, path: string): string[] {
  if (!isRecord(schema)) return [];
  // A body schema per content type (POST /txs): each is checked.
  if (isRecord(schema.content)) {
    return Object.entries(schema.content).flatMap(([type, media]) =>
      isRecord(media) ? unboundedFields(media.schema, `${path}(${type})`) : [],
    );
  }
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  const out: string[] = [];
  const fixed = schema.enum !== undefined || schema.const !== undefined;
  if (types.includes('string') && !fixed && typeof schema.maxLength !== 'number') out.push(path);
  if (
    types.includes('integer') &&
    !fixed &&
    (typeof schema.maximum !== 'number' || typeof schema.minimum !== 'number')
  ) {
    out.push(path);
  }
  if (types.includes('array') && typeof schema.maxItems !== 'number') out.push(path);
  if (isRecord(schema.properties)) {
    for (const [key, value] of Object.entries(schema.properties)) {
      out.push(...unboundedFields(value, `${path}.${key}`));
    }
  }
  if (schema.items !== undefined) out.push(...unboundedFields(schema.items, `${path}[]`));
  if (isRecord(schema.additionalProperties)) {
    out.push(...unboundedFields(schema.additionalProperties, `${path}.*`));
  }
  return out;
}
