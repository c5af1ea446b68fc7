// Every refusal the API gives has the README's shape `{ code, message, field? }`:
// errors thrown by routes and by request validation, and the refusals made
// before a route runs — no such path (404), not this method (405), a path that
// is not valid percent-encoding (400), an oversized path segment (414), and what
// Node's HTTP parser refuses (400, 408, 431), and a client over its rate limit (429). None quotes the URL or the body
// back: a refusal is logged at debug and costs the node nothing, so a client
// must not be able to make it carry (or reflect) what it sent.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { RuleError } from '../protocol/errors.js';
import type { Logger } from '../util/logger.js';
import { BadRequestError, NotFoundError, RateLimitedError, UnauthorizedError } from './errors.js';

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

export interface Refusal {
  readonly status: number;
  readonly body: ErrorBody;
}

/** The longest path segment the router reads (fastify's default, said once so the 414 can name it). */
export const MAX_PARAM_LENGTH = 100;

/** fastify's own refusals, by its error code, in our words: its messages may change between versions. */
function fastifyRefusal(code: string, bodyLimit: number): Refusal | undefined {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refusal(413, 'body-too-large', `bodies are limited to ${bodyLimit} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refusal(415, 'unsupported-media-type', 'bodies are application/json or text/plain');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return refusal(400, 'bad-json', 'the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refusal(400, 'bad-json', 'an application/json body cannot be empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return refusal(400, 'bad-request', 'the body does not match its Content-Length');
    case 'FST_ERR_BAD_URL':
      return refusal(400, 'bad-url', 'the path is not valid percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return refusal(414, 'uri-too-long', `a path segment is limited to ${MAX_PARAM_LENGTH} characters`);
    default:
      return undefined;
  }
}

function refusal(status: number, code: string, message: string): Refusal {
  return { status, body: { code, message } };
}

/** What an error thrown while serving a request answers. */
export function errorResponse(error: FastifyError, bodyLimit: number): Refusal {
  if (error instanceof RuleError) return refusal(400, error.code, error.message);
  if (error instanceof NotFoundError) return refusal(404, error.code, error.message);
  if (error instanceof UnauthorizedError) return refusal(401, error.code, error.message);
  if (error instanceof RateLimitedError) return refusal(429, error.code, error.message);
  if (error instanceof BadRequestError) {
    const { code, message, field } = error;
    return { status: 400, body: field === undefined ? { code, message } : { code, message, field } };
  }
  const known = fastifyRefusal(error.code, bodyLimit);
  if (known !== undefined) return known;
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    // Another refusal of fastify's: its status, but not its message, which may quote the request.
    return refusal(error.statusCode, 'bad-request', STATUS_CODES[error.statusCode] ?? 'bad request');
  }
  return refusal(500, 'internal', 'internal error; see the node log');
}

/** fastify's `frameworkErrors`: the URL could not be routed at all (bad percent-encoding, a long segment). */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = fastifyRefusal(error.code, 0) ?? refusal(400, 'bad-request', 'bad request');
  request.log.debug({ code: body.code }, 'API request refused before routing');
  void reply.status(status).send(body);
}

/**
 * The methods each registered path takes, so that a known path asked with
 * another method is 405 with `Allow` (RFC 9110 §15.5.6) rather than 404.
 * fastify answers 404 for both; a client then cannot tell a typo in the path
 * from a GET that should have been a POST.
 */
export class RouteMethods {
  private readonly paths = new Map<string, { readonly pattern: RegExp; readonly methods: Set<string> }>();

  /** An `onRoute` hook: every route, HEAD routes fastify adds for GET included. */
  readonly add = (route: RouteOptions): void => {
    const known = this.paths.get(route.url);
    const entry = known ?? { pattern: pathPattern(route.url), methods: new Set<string>() };
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      // refuseHeadOfStream answers HEAD of a stream: Allow must not offer it.
      if (method !== 'HEAD' || !answersEventStream(route.schema?.response)) entry.methods.add(method);
    }
    this.paths.set(route.url, entry);
  };

  /** The methods some route takes at `path` (no query), sorted; empty for an unknown path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { pattern, methods: taken } of this.paths.values()) {
      if (pattern.test(path)) for (const method of taken) methods.add(method);
    }
    return [...methods].sort();
  }
}

/** `/blocks/:id` → /^\/blocks\/[^/]+$/: a parameter is one non-empty segment, as the router reads it. */
function pathPattern(url: string): RegExp {
  const segments = url
    .split('/')
    .map((s) => (s.startsWith(':') ? '[^/]+' : s === '*' ? '.*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/** fastify's not-found handler: 405 with Allow for a known path, else 404. */
export function notFound(routes: RouteMethods): (request: FastifyRequest, reply: FastifyReply) => void {
  return (request, reply) => {
    const allowed = routes.allowed(request.url.split('?', 1)[0] ?? '');
    if (allowed.length > 0) {
      void reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({ code: 'method-not-allowed', message: `this path takes ${allowed.join(', ')}` });
      return;
    }
    void reply
      .status(404)
      .send({ code: 'not-found', message: 'no such route; GET /openapi.json lists them' });
  };
}

/**
 * An `onRequest` hook: HEAD of a route that answers an event stream is 405.
 * fastify serves HEAD for every GET by running the GET handler, but a stream's
 * headers go out with its first event, and Node drops a HEAD response's body:
 * the client would wait for headers that never come, holding a stream open.
 */
export function refuseHeadOfStream(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.method === 'HEAD' && answersEventStream(request.routeOptions.schema?.response)) {
    void reply
      .status(405)
      .header('allow', 'GET')
      .send({ code: 'method-not-allowed', message: 'an event stream is read with GET' });
    return;
  }
  done();
}

function answersEventStream(responses: unknown): boolean {
  if (typeof responses !== 'object' || responses === null || !('200' in responses)) return false;
  const ok: unknown = responses['200'];
  return (
    typeof ok === 'object' &&
    ok !== null &&
    'content' in ok &&
    typeof ok.content === 'object' &&
    ok.content !== null &&
    'text/event-stream' in ok.content
  );
}

/**
 * fastify's `clientErrorHandler`: Node's HTTP parser refused the request before
 * fastify saw it (headers over 16 KiB, a timeout, bytes that are not HTTP), so
 * the answer is written on the socket, which is then closed: the parser cannot
 * go on after an error.
 */
export function clientError(logger: Logger): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, body } =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? refusal(431, 'headers-too-large', 'the request line and headers are limited to 16 KiB')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? refusal(408, 'request-timeout', 'the request did not arrive in time')
          : refusal(400, 'bad-http', 'the request is not valid HTTP/1.1');
    logger.debug({ code: body.code, cause: error.code }, 'API request refused by the HTTP parser');
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      () => socket.destroy(),
    );
  };
}
