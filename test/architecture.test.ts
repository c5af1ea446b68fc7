// The import rule of STYLE.md as data, checked against every .ts file under src/.
// A module is the first directory under src/ (src/crypto/hash.ts → crypto);
// files directly in src/ form the module `root`.
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'tap';
import ts from 'typescript';

/** Open to every module and importing none but themselves. */
const OPEN = ['util', 'root'] as const; // root: leaves such as a polyfill, like util

/**
 * module → the modules it may import, besides itself and OPEN (STYLE.md, "The import rule").
 * Every row names only rows above it; a module missing here fails the test, so a new
 * module comes with its row.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  util: [],
  root: [],
  // The HTTP API's contract: JSON schemas and the types derived from them, served by api/, read by wallet/.
  'api-schema': [],
  crypto: [], // and the wasm build: see the package and .wasm rules below
  protocol: ['crypto'],
  consensus: ['protocol', 'crypto'],
  storage: ['protocol', 'crypto'],
  state: ['consensus', 'storage', 'protocol', 'crypto'],
  chain: ['state', 'consensus', 'storage', 'protocol', 'crypto'],
  mempool: ['chain', 'state', 'consensus', 'protocol', 'crypto'],
  miner: ['chain', 'consensus', 'protocol', 'crypto'],
  validator: ['chain', 'consensus', 'protocol', 'crypto'],
  // Adapters: anything above them, never each other; only node/ imports them.
  p2p: ['crypto', 'protocol', 'consensus', 'storage', 'state', 'chain', 'mempool', 'miner', 'validator'],
  api: [
    'api-schema',
    'crypto',
    'protocol',
    'consensus',
    'storage',
    'state',
    'chain',
    'mempool',
    'miner',
    'validator',
  ],
  stratum: ['crypto', 'protocol', 'consensus', 'storage', 'state', 'chain', 'mempool', 'miner', 'validator'],
  // The client library for music apps (Node and browser): builds and signs every tx type and
  // play attestations; only protocol and crypto, so a browser bundle of it stays small (decision 183).
  client: ['protocol', 'crypto'],
  // The dashboard page (browser code, bundled by `npm run build:dashboard`): the client library's
  // helpers, and crypto/'s yespower and its vectors for the in-browser benchmark (decision 247).
  dashboard: ['client', 'crypto'],
  // consensus: the pure checks a wallet runs before it signs (§8.3's whitelist and bounds, decision 167).
  wallet: ['api-schema', 'client', 'protocol', 'consensus', 'crypto'],
  node: [
    'api-schema',
    'crypto',
    'protocol',
    'consensus',
    'storage',
    'state',
    'chain',
    'mempool',
    'miner',
    'validator',
    'p2p',
    'api',
    'stratum',
    'wallet',
  ],
  cli: ['node', 'wallet'],
};

/** Packages that belong to one adapter (or the wasm wrapper); every other package is open. */
const PACKAGE_OWNERS: readonly { name: string; matches: (pkg: string) => boolean; owners: string[] }[] = [
  { name: 'lmdb', matches: (p) => p === 'lmdb', owners: ['storage'] },
  { name: '@assemblyscript/loader', matches: (p) => p === '@assemblyscript/loader', owners: ['crypto'] },
  { name: 'fastify', matches: (p) => p === 'fastify' || p.startsWith('@fastify/'), owners: ['api'] },
  {
    name: 'libp2p',
    matches: (p) => p === 'libp2p' || p.startsWith('@libp2p/') || p.startsWith('@chainsafe/libp2p-'),
    owners: ['p2p', 'node'], // node/ only wires it
  },
  // Modules report through no-op interfaces beside them (chain/metrics.ts); node/ alone knows Prometheus.
  { name: 'prom-client', matches: (p) => p === 'prom-client', owners: ['node'] },
];

const WASM_OWNER = 'crypto';
/**
 * Files that name the wasm build without loading it: the dashboard's route serves the file, and the
 * page fetches it and hands it to crypto/'s initWasm (decision 247). `WebAssembly` stays crypto/'s.
 */
const WASM_NAMERS: readonly string[] = ['src/api/routes/dashboard.ts', 'src/dashboard/'];

interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

function moduleOf(srcPath: string): string {
  const parts = srcPath.split('/'); // ['src', dir, ..., file]
  return parts.length > 2 ? parts[1]! : 'root';
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function allowedText(from: string): string {
  const row = [...(MAY_IMPORT[from] ?? []), ...OPEN.filter((m) => m !== from)];
  return `${from}/ may import only ${row.join(', ')} (STYLE.md, the import rule)`;
}

/** Every module specifier in a file: static, export-from, dynamic, require and import types. */
function importsOf(file: string, text: string): { specifiers: string[]; problems: Violation[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const problems: Violation[] = [];
  const take = (node: ts.Node | undefined, what: string): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) specifiers.push(node.text);
    else {
      const written = node === undefined ? '' : node.getText(source);
      problems.push({
        file,
        specifier: written,
        rule: `${what} needs a string literal for this test to check`,
      });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || (ts.isExportDeclaration(node) && node.moduleSpecifier)) {
      take(node.moduleSpecifier, 'an import');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      take(node.moduleReference.expression, 'an import');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      take(node.argument.literal, 'an import type');
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) take(node.arguments[0], isImport ? 'a dynamic import' : 'require');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specifiers, problems };
}

/** Names of the wasm build in string literals: only crypto/ may load it. */
function wasmMentions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      if (/\.wasm\b/.test(node.text)) found.push(node.text);
    } else if (ts.isIdentifier(node) && node.text === 'WebAssembly') {
      found.push('WebAssembly');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Checks files given as repo-relative path (src/...) → source text. */
function checkImports(files: Readonly<Record<string, string>>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, text] of Object.entries(files)) {
    const from = moduleOf(file);
    if (!(from in MAY_IMPORT)) {
      violations.push({ file, specifier: '', rule: `src/${from}/ is not in the import table: add its row` });
      continue;
    }
    const { specifiers, problems } = importsOf(file, text);
    violations.push(...problems);
    for (const specifier of specifiers) {
      const rule = ruleBroken(file, from, specifier);
      if (rule !== undefined) violations.push({ file, specifier, rule });
    }
    if (from !== WASM_OWNER) {
      const names = WASM_NAMERS.some((prefix) => file.startsWith(prefix));
      for (const mention of wasmMentions(file, text).filter((m) => !names || m === 'WebAssembly')) {
        violations.push({ file, specifier: mention, rule: `only ${WASM_OWNER}/ loads the wasm build` });
      }
    }
  }
  return violations;
}

function ruleBroken(file: string, from: string, specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  if (specifier.startsWith('/') || /^[a-z]+:/i.test(specifier))
    return 'imports use relative paths or packages';
  if (!specifier.startsWith('.')) {
    const pkg = packageOf(specifier);
    const owned = PACKAGE_OWNERS.find((o) => o.matches(pkg));
    if (owned === undefined || owned.owners.includes(from)) return undefined;
    return `${owned.name} is imported only by ${owned.owners.map((m) => `${m}/`).join(' and ')}`;
  }
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  if (!target.startsWith('src/')) return 'src/ imports nothing outside src/ but packages';
  const to = moduleOf(target);
  if (!(to in MAY_IMPORT)) return `src/${to}/ is not in the import table: add its row`;
  if (to === from || (OPEN as readonly string[]).includes(to)) return undefined;
  return MAY_IMPORT[from]!.includes(to) ? undefined : allowedText(from);
}

function format(v: Violation): string {
  return `${v.file}: '${v.specifier}' breaks "${v.rule}"`;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function readSources(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(posix.join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(files, readSources(path));
    else if (entry.name.endsWith('.ts')) files[path] = readFileSync(posix.join(ROOT, path), 'utf8');
  }
  return files;
}

test('every import under src/ follows the import table', async (t) => {
  const files = readSources('src');
  t.ok(Object.keys(files).length > 0, 'src/ has .ts files to check');
  const violations = checkImports(files);
  for (const v of violations) t.fail(format(v));
  if (violations.length === 0) t.pass(`${Object.keys(files).length} files follow the table`);
});

test('examples/ use the node only through the client library: no src/ import but src/client/index.ts', async (t) => {
  const files = readSources('examples');
  t.ok(Object.keys(files).length > 0, 'examples/ has .ts files to check');
  let checked = 0;
  for (const [file, text] of Object.entries(files)) {
    const { specifiers, problems } = importsOf(file, text);
    for (const p of problems) t.fail(format(p));
    for (const specifier of specifiers.filter((s) => s.startsWith('.'))) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (target.startsWith('src/') && target !== 'src/client/index.js') {
        t.fail(
          format({ file, specifier, rule: 'an example imports the client library, src/client/index.js' }),
        );
      }
      checked++;
    }
  }
  t.ok(checked > 0, `${checked} relative imports checked`);
});

test('the table itself: rows point only at known modules, and upward (no cycle)', async (t) => {
  for (const [from, row] of Object.entries(MAY_IMPORT)) {
    for (const to of row) t.ok(to in MAY_IMPORT, `${from} → ${to}: ${to} has a row`);
  }
  const done = new Set<string>();
  const visiting = new Set<string>();
  const acyclic = (m: string): boolean => {
    if (done.has(m)) return true;
    if (visiting.has(m)) return false;
    visiting.add(m);
    const ok = (MAY_IMPORT[m] ?? []).every(acyclic);
    visiting.delete(m);
    done.add(m);
    return ok;
  };
  t.ok(Object.keys(MAY_IMPORT).every(acyclic), 'no module can reach itself through the table');
  for (const owned of PACKAGE_OWNERS) {
    for (const m of owned.owners) t.ok(m in MAY_IMPORT, `${owned.name} owner ${m} has a row`);
  }
});

test('self-check: the checker catches forbidden edges', async (t) => {
  const caught = (files: Record<string, string>, rule: RegExp, what: string): void => {
    const found = checkImports(files);
    t.equal(found.length, 1, `${what}: one violation`);
    t.match(found[0], { rule }, `${what}: ${found.map(format).join('; ')}`);
  };
  caught({ 'src/crypto/x.ts': "import '../chain/y.js';" }, /crypto\/ may import only/, 'crypto → chain');
  caught(
    { 'src/protocol/x.ts': "export { a } from '../consensus/y.js';" },
    /protocol\//,
    'export-from upward',
  );
  caught(
    { 'src/chain/x.ts': "const m = await import('../mempool/y.js');" },
    /chain\//,
    'dynamic import upward',
  );
  caught(
    { 'src/consensus/x.ts': "import type { Db } from '../storage/db.js';" },
    /consensus\//,
    'type import, same row',
  );
  caught({ 'src/p2p/x.ts': "import { s } from '../api/server.js';" }, /p2p\//, 'adapter → adapter');
  caught({ 'src/wallet/x.ts': "type C = import('../chain/chain.js').Chain;" }, /wallet\//, 'import type');
  caught({ 'src/chain/x.ts': "import { open } from 'lmdb';" }, /lmdb is imported only by storage/, 'lmdb');
  caught({ 'src/api/x.ts': "import { tcp } from '@libp2p/tcp';" }, /libp2p/, '@libp2p/* from api');
  caught({ 'src/node/x.ts': "import rl from '@fastify/rate-limit';" }, /fastify/, '@fastify/* from node');
  caught(
    { 'src/protocol/x.ts': "import * as l from '@assemblyscript/loader';" },
    /loader/,
    'the wasm loader',
  );
  caught(
    { 'src/miner/x.ts': "readFileSync(new URL('../../build/altostream.wasm', import.meta.url));" },
    /wasm build/,
    'reading the .wasm',
  );
  caught(
    { 'src/dashboard/x.ts': 'const m = await WebAssembly.compile(bytes);' },
    /wasm build/,
    'the dashboard compiling the wasm itself',
  );
  caught({ 'src/dashboard/x.ts': "import '../chain/y.js';" }, /dashboard\//, 'dashboard → chain');
  caught({ 'src/songs/x.ts': "import '../util/y.js';" }, /not in the import table/, 'unknown module');
  caught({ 'src/util/x.ts': "import '../gossip/y.js';" }, /not in the import table/, 'unknown target');
  caught({ 'src/cli/x.ts': "import '../../test/h.js';" }, /outside src/, 'outside src/');
  caught({ 'src/node/x.ts': 'await import(name);' }, /string literal/, 'computed dynamic import');
});

test('self-check: allowed edges pass', async (t) => {
  const files = {
    'src/chain/a.ts': [
      "import { StateView } from '../state/view.js';",
      "import { b } from './b.js';",
      "import { toHex } from '../util/bytes.js';",
      "import { readFileSync } from 'node:fs';",
      "import { pino } from 'pino';",
      "// import '../api/server.js' in a comment is not an import",
      'const s = "import \'../p2p/node.js\'";',
    ].join('\n'),
    'src/storage/db.ts': "import { open } from 'lmdb';",
    'src/crypto/wasm.ts': "import * as l from '@assemblyscript/loader'; const f = 'altostream.wasm';",
    'src/node/wire.ts': "import { createLibp2p } from 'libp2p'; import { api } from '../api/server.js';",
    'src/cli/main.ts': "import { run } from '../node/run.js'; import { Wallet } from '../wallet/w.js';",
    'src/p2p/node.ts': "import '../polyfill.js'; import { gossipsub } from '@chainsafe/libp2p-gossipsub';",
    'src/polyfill.ts': "import { x } from './util/y.js';",
    'src/dashboard/bench.ts': "import { initWasm } from '../client/index.js'; const u = 'altostream.wasm';",
    'src/api/routes/dashboard.ts': "const f = new URL('altostream.wasm', BUILD_DIR);",
  };
  t.same(checkImports(files).map(format), []);
});
