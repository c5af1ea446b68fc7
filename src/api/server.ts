// The HTTP API (fastify), bound to 127.0.0.1 unless told otherwise. Every
// route declares request and response schemas; @fastify/swagger turns them
// into the OpenAPI 3 document at /openapi.json. Requests are checked against
// them in validation.ts; every refusal is `{ code, message, field? }`, shaped
// in refusals.ts: a RuleError or a schema failure is the caller's (400), an
// unknown id 404, an oversized body 413, a missing token 401, a client over its
// rate limit 429; anything else is our bug (500, logged at error). Read routes
// are open; routes that change the node need the bearer token (POST /txs
// excepted: a transaction carries its own signature). exposure.ts holds the
// rate limit, CORS, the non-loopback warning and the input limits.
import { createHash, timingSafeEqual } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { KeyBlock } from '../protocol/key-block.js';
import type { NetworkParams } from '../protocol/params.js';
import type { KeyBlockTemplate } from '../miner/template.js';
import type { SubmitResult } from '../miner/submit.js';
import type { Logger } from '../util/logger.js';
import { errorResponses } from '../api-schema/fragments.js';
import { UnauthorizedError } from './errors.js';
import {
  clientError,
  errorResponse,
  frameworkError,
  MAX_PARAM_LENGTH,
  notFound,
  refuseHeadOfStream,
  RouteMethods,
} from './refusals.js';
import {
  corsOptions,
  DEFAULT_API_RATE_LIMIT,
  rateLimitOptions,
  requireLimits,
  warnIfExposed,
  type ApiRateLimit,
} from './exposure.js';
import { DEFAULT_EVENT_HUB_OPTIONS, EventHub, type EventHubOptions } from './event-hub.js';
import { chainRoutes } from './routes/chain.js';
import { eventRoutes } from './routes/events.js';
import { stratumRoutes } from './routes/stratum.js';
import { miningRoutes } from './routes/mining.js';
import { peerRoutes } from './routes/peers.js';
import { txRoutes } from './routes/txs.js';
import { stakeRoutes } from './routes/stake.js';
import { rewardRoutes } from './routes/rewards.js';
import { governanceRoutes } from './routes/governance.js';
import { musicRoutes } from './routes/music.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { requestValidator } from './validation.js';
import { recordRequests, NO_API_METRICS, type ApiMetrics } from './metrics.js';

/**
 * The body limit of a route that names none. Every route with a body names its
 * own (requireLimits), sized to what it takes; this is the floor for the rest.
 */
export const BODY_LIMIT = 1024;

export interface ApiMining {
  /** A template paying `payout`, or the node's own payout when left out (undefined if it has none). */
  template(payout?: Uint8Array): KeyBlockTemplate | undefined;
  submit(block: KeyBlock): SubmitResult;
  /** Ids of the key blocks on the best tip that wait for their endorsements (§5.4). */
  candidates(): string[];
  /** Hashes per second while hashing. */
  hashRate(): number;
  /** Hashes done since the node started. */
  hashes(): number;
  /** Milliseconds until the paced miner hashes again; null while it hashes or when not mining. */
  pausedForMs(): number | null;
  readonly active: boolean;
}

/** What the API shows of the P2P network. */
export interface ApiNetwork {
  readonly peerId: string;
  listenAddresses(): string[];
  peerCount(): number;
  connect(address: string): Promise<string>;
  peers(): {
    id: string;
    addresses: string[];
    direction: string;
    tipKeyHeight: number | null;
    chainWork: string | null;
    /** Gossip topics in whose mesh the peer is. */
    mesh: string[];
    score: number;
  }[];
  /** The last disconnects the node chose, and why. */
  disconnected(): readonly { peer: string; atMs: number; reason: string; detail: string | null }[];
  syncProgress(): { syncing: boolean; height: number; target: number; rate: number; etaS: number | null };
  /** Banned peers, with the address each was banned from (null: unknown). */
  banned(): { peer: string; address: string | null; until: number; reason: string }[];
  /** Addresses with several peers banned: taken in only while slots are free. */
  discouraged(): { address: string; bans: number; until: number }[];
  /**
   * Per gossip topic: messages accepted, ignored, rejected, dropped from a full
   * validation queue, purged (the sender was banned before they were validated),
   * and queued for validation now.
   */
  gossipCounters(): Record<
    string,
    { accepted: number; ignored: number; rejected: number; dropped: number; purged: number; queued: number }
  >;
}

/** What the API shows of the Stratum server (api/ may not import stratum/: node/ passes this). */
export interface ApiStratum {
  summary(): { port: number; mode: 'solo' | 'pool'; workers: number; hashRate: number };
  workers(): {
    worker: string;
    connections: number;
    difficulty: number;
    accepted: number;
    stale: number;
    duplicate: number;
    lowDifficulty: number;
    invalid: number;
    blocks: number;
    hashRate: number;
    lastShareMs: number | null;
  }[];
  /** Pool mode's PPLNS window; null in solo mode. */
  poolShares(): {
    windowDifficulty: number;
    windowFactor: number;
    totalDifficulty: number;
    miners: { address: string; difficulty: number; shares: number; fraction: number }[];
  } | null;
}

/** What the API shows of this node's validator (§5.3). */
export interface ApiValidator {
  stats(): { account: string; slotsWon: number; endorsementsSigned: number; endorsementsIncluded: number };
}

export interface ApiModules {
  readonly chain: Chain;
  /** What the API reads of the mempool, and POST /txs adds to it. */
  readonly mempool: Pick<
    Mempool,
    'add' | 'get' | 'page' | 'count' | 'bytes' | 'minFeeRate' | 'nextNonce' | 'on' | 'off'
  >;
  readonly mining: ApiMining;
  /** null: Stratum is off. */
  readonly stratum?: ApiStratum | null;
  /** null: validator mode is off. */
  readonly validator?: ApiValidator | null;
  readonly params: NetworkParams;
  /** null: P2P is off (devnet). */
  readonly network: ApiNetwork | null;
  /** Limits of GET /events (DEFAULT_EVENT_HUB_OPTIONS where left out). */
  readonly eventStreams?: Partial<EventHubOptions>;
  /** The bearer token of the write routes other than POST /txs. */
  readonly token: string;
  /** Requests per client address per minute (DEFAULT_API_RATE_LIMIT where left out). */
  readonly rateLimit?: Partial<ApiRateLimit>;
  /** Origins CORS allows (`*`: any); empty or left out: no CORS headers. */
  readonly cors?: readonly string[];
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Each answered request's route, status class and latency (api/metrics.ts); nothing when left out. */
  readonly metrics?: ApiMetrics;
}

export interface ApiOptions {
  readonly host: string;
  readonly port: number;
}

export async function buildApi(mods: ApiModules): Promise<FastifyInstance> {
  // Typed as fastify's base logger, so the routes' instance type is the default one.
  const loggerInstance: FastifyBaseLogger = mods.logger;
  const app = Fastify({
    loggerInstance,
    // One log line per request would drown the node's log at a few thousand transactions a second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Keep-alive clients (load tools, wallets polling) reuse connections.
    keepAliveTimeout: 30_000,
    // Event streams never go idle: close() must end them, or it would wait forever.
    forceCloseConnections: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Refusals made before a route runs get the same shape as the rest (refusals.ts).
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError(mods.logger),
  });
  // Before any route and before the token check (a preHandler): every request counts, a guessed token too.
  // Registered before the schema hooks: the CORS preflight route is the plugin's own.
  const limits = rateLimitOptions({ ...DEFAULT_API_RATE_LIMIT, ...mods.rateLimit });
  if (limits !== undefined) await app.register(rateLimit, limits);
  const allowed = corsOptions(mods.cors ?? []);
  if (allowed !== undefined) await app.register(cors, allowed);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Altostream node API', version: '1' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  app.addHook('onRoute', requireSchemas);
  app.addHook('onRoute', requireLimits);
  const routes = new RouteMethods();
  app.addHook('onRoute', routes.add);
  app.addHook('onRequest', refuseHeadOfStream);
  recordRequests(app, mods.metrics ?? NO_API_METRICS);
  app.setValidatorCompiler(requestValidator());
  // A transaction saved to a file and sent as `curl --data-binary @tx.hex` ends in a newline, and
  // the schema's hex pattern runs before any handler: trim here, where the body is read.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    done(null, (typeof body === 'string' ? body : body.toString('utf8')).trim());
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = errorResponse(error, request.routeOptions.bodyLimit);
    if (status >= 500)
      request.log.error(
        { err: error, url: request.url },
        'API request failed: our bug, the client got 500; report it with this log',
      );
    else request.log.debug({ code: body.code, url: request.url }, 'API request refused');
    void reply.status(status).send(body);
  });
  // Unknown paths count against the same quota: probing for routes is throttled like using them.
  if (limits === undefined) app.setNotFoundHandler(notFound(routes));
  else app.setNotFoundHandler({ preHandler: app.rateLimit() }, notFound(routes));
  const requireToken = tokenCheck(mods.token);
  chainRoutes(app, mods);
  txRoutes(app, mods);
  stakeRoutes(app, mods);
  rewardRoutes(app, mods);
  governanceRoutes(app, mods);
  musicRoutes(app, mods);
  dashboardRoutes(app);
  miningRoutes(app, mods, requireToken);
  stratumRoutes(app, mods);
  const hub = new EventHub(
    { ...DEFAULT_EVENT_HUB_OPTIONS, ...mods.eventStreams },
    { chain: mods.chain, mempool: mods.mempool, logger: mods.logger, hrp: mods.params.hrp },
  );
  app.addHook('onClose', () => {
    hub.stop();
  });
  eventRoutes(app, mods, hub);
  peerRoutes(app, mods, requireToken);
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3 document',
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    () => app.swagger(),
  );
  return app;
}

export async function startApi(opts: ApiOptions, mods: ApiModules): Promise<FastifyInstance> {
  const app = await buildApi(mods);
  await app.listen({ host: opts.host, port: opts.port });
  warnIfExposed(opts.host, { ...DEFAULT_API_RATE_LIMIT, ...mods.rateLimit }, mods.cors ?? [], mods.logger);
  return app;
}

/** Every route declares what it takes and what it answers, so the OpenAPI document is whole. */
export function requireSchemas(route: RouteOptions): void {
  const schema = route.schema;
  const takes = schema?.querystring ?? schema?.params ?? schema?.body;
  if (schema?.response === undefined || takes === undefined) {
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    throw new Error(`${methods} ${route.url} must declare a request and a response schema`);
  }
}

/** A preHandler that admits only `Authorization: Bearer <token>`, compared in constant time. */
function tokenCheck(token: string): (request: FastifyRequest) => Promise<void> {
  const expected = createHash('sha256').update(token).digest();
  return (request) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Hashing both sides gives equal lengths, so the comparison time says nothing about the token.
    const ok = timingSafeEqual(createHash('sha256').update(given).digest(), expected);
    return ok
      ? Promise.resolve()
      : Promise.reject(new UnauthorizedError('this route needs the bearer token in <datadir>/api-token'));
  };
}

export type RequireToken = ReturnType<typeof tokenCheck>;
