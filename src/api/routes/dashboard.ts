// The operator's dashboard (src/dashboard/, bundled by `npm run build:dashboard`
// into build/dashboard/): the page at `/` and its assets at
// `/dashboard/<build>/<file>`, where <build> is a hash of every asset, so an
// asset's answer never changes and may be cached for good while the page is
// revalidated on each load (decision 246). The yespower benchmark's WebAssembly
// is the node's own release build, served as a file: the page hands it to the
// client library's initWasm, so it is still only crypto/ that instantiates it.
// Every answer carries a strict Content-Security-Policy: no inline script, no
// other origin, WebAssembly compilation allowed (decision 245).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody, errorResponses, noQuery } from '../../api-schema/fragments.js';
import { NotFoundError } from '../errors.js';

/** What the page may do: its own scripts, workers and requests, and compiling WebAssembly; nothing inline. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page itself: revalidated on every load (a 304 while the build is unchanged). */
export const PAGE_CACHE = 'no-cache';
/** An asset under its build hash never changes: cached for a year without revalidation. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** Hex digits of the build hash in asset paths. */
export const BUILD_ID_LENGTH = 16;
/** Longest build hash or file name a request may name (the real ones are shorter): 400 past it. */
export const MAX_PATH_PART = 64;

const BUILD_DIR = new URL('../../../build/', import.meta.url); // src/api/routes/ and dist/api/routes/ alike
const DASHBOARD_DIR = new URL('dashboard/', BUILD_DIR);

interface AssetSource {
  readonly file: URL;
  readonly type: string;
}

/** Every file the page loads, by the name it has in its asset path. */
const ASSET_SOURCES: Readonly<Record<string, AssetSource>> = {
  'app.js': { file: new URL('app.js', DASHBOARD_DIR), type: 'text/javascript; charset=utf-8' },
  'bench-worker.js': {
    file: new URL('bench-worker.js', DASHBOARD_DIR),
    type: 'text/javascript; charset=utf-8',
  },
  'style.css': { file: new URL('style.css', DASHBOARD_DIR), type: 'text/css; charset=utf-8' },
  'icon.svg': { file: new URL('icon.svg', DASHBOARD_DIR), type: 'image/svg+xml' },
  // The node's own release build (asconfig.json's "release" target), as the CPU miner runs it.
  'altostream.wasm': { file: new URL('altostream.wasm', BUILD_DIR), type: 'application/wasm' },
  // Its "scalar" twin, for a browser without WebAssembly SIMD.
  'altostream-scalar.wasm': { file: new URL('altostream-scalar.wasm', BUILD_DIR), type: 'application/wasm' },
};

const PAGE_FILE = new URL('index.html', DASHBOARD_DIR);
/** Where the page's HTML names its build hash. */
const BUILD_PLACEHOLDER = /\{\{build\}\}/g;

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

interface Dashboard {
  readonly build: string;
  readonly page: Asset;
  readonly assets: ReadonlyMap<string, Asset>;
}

const etagOf = (body: Buffer): string =>
  `"${createHash('sha256').update(body).digest('hex').slice(0, BUILD_ID_LENGTH)}"`;

/** Reads the build; undefined with the reason when a file is missing (not built yet). */
function loadDashboard(): Dashboard | { missing: string } {
  const read = (file: URL): Buffer | undefined => {
    try {
      return readFileSync(file);
    } catch {
      return undefined;
    }
  };
  const assets = new Map<string, Asset>();
  const hash = createHash('sha256');
  for (const [name, source] of Object.entries(ASSET_SOURCES)) {
    const body = read(source.file);
    if (body === undefined) return { missing: source.file.pathname };
    hash.update(`${name}\0${body.length}\0`).update(body);
    assets.set(name, { body, type: source.type, etag: etagOf(body) });
  }
  const html = read(PAGE_FILE);
  if (html === undefined) return { missing: PAGE_FILE.pathname };
  hash.update(html);
  const build = hash.digest('hex').slice(0, BUILD_ID_LENGTH);
  const body = Buffer.from(html.toString('utf8').replace(BUILD_PLACEHOLDER, build), 'utf8');
  return { build, page: { body, type: 'text/html; charset=utf-8', etag: etagOf(body) }, assets };
}

function send(
  reply: FastifyReply,
  ifNoneMatch: string | undefined,
  asset: Asset,
  cache: string,
): FastifyReply {
  void reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', cache)
    .header('etag', asset.etag);
  if (ifNoneMatch === asset.etag) return reply.status(304).send();
  return reply.type(asset.type).send(asset.body);
}

const fileResponse = (what: string, type: string): Record<string, unknown> => ({
  description: what,
  content: { [type]: { schema: { type: 'string' } } },
});

export function dashboardRoutes(app: FastifyInstance): void {
  // Read on first use and kept: the files of one build never change while the node runs.
  let loaded: Dashboard | undefined;
  const dashboard = (reply: FastifyReply): Dashboard | undefined => {
    if (loaded !== undefined) return loaded;
    const result = loadDashboard();
    if ('missing' in result) {
      void reply.status(503).send({
        code: 'dashboard-not-built',
        message: `the dashboard is not built (${result.missing} is missing): run \`npm run build:all\``,
      });
      return undefined;
    }
    loaded = result;
    return loaded;
  };

  app.get(
    '/',
    {
      schema: {
        summary: 'The dashboard: tip, blocks, hash rate, mempool, peers, supply, validators, songs',
        querystring: noQuery,
        response: {
          200: fileResponse('the dashboard page', 'text/html'),
          304: { description: 'unchanged since the ETag sent', type: 'null' },
          ...errorResponses,
          503: errorBody,
        },
      },
    },
    (request, reply) => {
      const d = dashboard(reply);
      if (d === undefined) return reply;
      return send(reply, request.headers['if-none-match'], d.page, PAGE_CACHE);
    },
  );

  app.get(
    '/dashboard/:build/:file',
    {
      schema: {
        summary: "The dashboard's scripts, style sheet and yespower WebAssembly, under the build's hash",
        params: {
          type: 'object',
          required: ['build', 'file'],
          properties: {
            build: { type: 'string', maxLength: MAX_PATH_PART },
            file: { type: 'string', maxLength: MAX_PATH_PART },
          },
          additionalProperties: false,
        },
        querystring: noQuery,
        response: {
          200: fileResponse(
            'a script, the style sheet or the WebAssembly module',
            'application/octet-stream',
          ),
          304: { description: 'unchanged since the ETag sent', type: 'null' },
          ...errorResponses,
          503: errorBody,
        },
      },
    },
    (request, reply) => {
      const { build, file } = request.params as { build: string; file: string };
      const d = dashboard(reply);
      if (d === undefined) return reply;
      const asset = d.assets.get(file);
      if (asset === undefined) throw new NotFoundError('not-found', 'the dashboard has no such asset');
      if (build !== d.build) {
        throw new NotFoundError(
          'not-found',
          `that is not this node's dashboard build (${d.build} now): reload the page`,
        );
      }
      return send(reply, request.headers['if-none-match'], asset, ASSET_CACHE);
    },
  );
}
