// The dashboard's route in process (fastify's inject on the full API): the page
// with its CSP, its assets under the build hash with their content types and
// cache headers, the node's own release wasm, and 404 for anything else.
// Needs `npm run build` (build/dashboard/) and `npm run build:wasm`.
import { readFileSync } from 'node:fs';
import { test, type Test } from 'tap';
import { ASSET_CACHE, DASHBOARD_CSP, MAX_PATH_PART, PAGE_CACHE } from '../../src/api/routes/dashboard.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';

const RELEASE_WASM = new URL('../../build/altostream.wasm', import.meta.url);

async function api(t: Test): Promise<Awaited<ReturnType<typeof apiOnHarness>>> {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  return apiOnHarness(t, h);
}

/** The build hash the page names in its asset paths. */
function buildOf(html: string): string {
  const match = /\/dashboard\/([0-9a-f]{16})\/app\.js/.exec(html);
  if (match === null) throw new Error('the page names no /dashboard/<build>/app.js');
  return match[1]!;
}

test('dashboard-page: / is the HTML page with a strict CSP (no inline script) and is revalidated on each load', async (t) => {
  const app = await api(t);
  const page = await app.inject({ method: 'GET', url: '/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html; charset=utf-8$/);
  const csp = String(page.headers['content-security-policy']);
  t.equal(csp, DASHBOARD_CSP);
  t.match(csp, /default-src 'none'/);
  t.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, "scripts from the node only: no 'unsafe-inline'");
  t.notMatch(csp, /'unsafe-inline'|'unsafe-eval'|\*/, 'nothing inline, no eval, no wildcard');
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.equal(page.headers['cache-control'], PAGE_CACHE);
  t.match(page.body, /<script type="module" src="\/dashboard\/[0-9a-f]{16}\/app\.js"><\/script>/);
  t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'every <script> has a src: none is inline');
  t.notMatch(page.body, /\bstyle=|\son[a-z]+=/i, 'no style attribute, no inline handler');
  t.notMatch(page.body, /\{\{build\}\}/, 'the build hash is filled in');

  const again = await app.inject({
    method: 'GET',
    url: '/',
    headers: { 'if-none-match': String(page.headers.etag) },
  });
  t.equal(again.statusCode, 304, 'unchanged: 304 on the ETag');
  t.equal(again.body, '');

  const head = await app.inject({ method: 'HEAD', url: '/' });
  t.equal(head.statusCode, 200, 'HEAD / answers like GET');
  t.match(head.headers['content-type'], /^text\/html/);
  t.equal(head.body, '', 'without a body');
});

test('dashboard-assets: scripts, style and the release wasm under the build hash, with their types and a year of cache', async (t) => {
  const app = await api(t);
  const build = buildOf((await app.inject({ method: 'GET', url: '/' })).body);
  const types: Record<string, RegExp> = {
    'app.js': /^text\/javascript; charset=utf-8$/,
    'bench-worker.js': /^text\/javascript; charset=utf-8$/,
    'style.css': /^text\/css; charset=utf-8$/,
    'icon.svg': /^image\/svg\+xml$/,
    'altostream.wasm': /^application\/wasm$/,
    'altostream-scalar.wasm': /^application\/wasm$/,
  };
  for (const [file, type] of Object.entries(types)) {
    const response = await app.inject({ method: 'GET', url: `/dashboard/${build}/${file}` });
    t.equal(response.statusCode, 200, file);
    t.match(response.headers['content-type'], type, `${file}: ${String(response.headers['content-type'])}`);
    t.equal(response.headers['cache-control'], ASSET_CACHE, `${file} is immutable under its build hash`);
    t.equal(
      response.headers['content-security-policy'],
      DASHBOARD_CSP,
      `${file} carries the CSP (workers take theirs from it)`,
    );
  }
  const wasm = await app.inject({ method: 'GET', url: `/dashboard/${build}/altostream.wasm` });
  t.ok(wasm.rawPayload.equals(readFileSync(RELEASE_WASM)), "the wasm is the node's own release build");
  t.same([...wasm.rawPayload.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'it starts with the wasm magic');
});

test('not-found: an unknown asset, another build hash or a path outside the dashboard is 404 with a code', async (t) => {
  const app = await api(t);
  const build = buildOf((await app.inject({ method: 'GET', url: '/' })).body);
  for (const url of [
    `/dashboard/${build}/secret.js`,
    `/dashboard/${build}/..%2F..%2Fpackage.json`,
    `/dashboard/${build}/index.html`,
    `/dashboard/${'0'.repeat(16)}/app.js`,
    `/dashboard/${build}`,
    '/dashboard/app.js',
  ]) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 404, url);
    t.match(response.json(), { code: 'not-found', message: String }, url);
    t.notOk(
      response.body.includes('secret') || response.body.includes('package'),
      'the URL is not quoted back',
    );
  }
  const long = await app.inject({
    method: 'GET',
    url: `/dashboard/${build}/${'a'.repeat(MAX_PATH_PART + 1)}`,
  });
  t.equal(
    long.statusCode,
    400,
    'a name past MAX_PATH_PART is refused by the schema (every input is bounded)',
  );
  t.match(long.json(), { field: /file/ });
  const other = await app.inject({ method: 'GET', url: `/dashboard/${'0'.repeat(16)}/app.js` });
  t.match(other.json(), { message: /reload the page/ }, 'another build hash says to reload');
});

test('dashboard-openapi: both routes are in /openapi.json with what they answer', async (t) => {
  const app = await api(t);
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, { get?: { responses?: Record<string, unknown> } }>;
  }>();
  t.ok(doc.paths['/']?.get?.responses?.['200'], 'GET / is documented');
  t.ok(
    doc.paths['/dashboard/{build}/{file}']?.get?.responses?.['404'],
    'GET /dashboard/{build}/{file} is documented',
  );
});
