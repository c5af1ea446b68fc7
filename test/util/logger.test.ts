import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'tap';
import { InvalidArgumentError } from '../../src/util/errors.js';
import { createLogger, LOG_LEVELS } from '../../src/util/logger.js';

/** A destination that keeps every line pino writes. */
function capture(): { write(line: string): void; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
  };
}

test('bad-log-level: an unknown level is refused with the valid ones listed', async (t) => {
  t.throws(() => createLogger({ level: 'verbose' }), {
    constructor: InvalidArgumentError,
    code: 'bad-log-level',
    message: /trace, debug, info, warn, error, fatal, silent/,
  });
  t.throws(() => createLogger({ level: 'INFO' }), { code: 'bad-log-level' });
});

test('every listed level is accepted and becomes the logger level', async (t) => {
  for (const level of LOG_LEVELS) {
    t.equal(createLogger({ level, destination: capture() }).level, level);
  }
  t.equal(createLogger({ destination: capture() }).level, 'info', 'info when no level is given');
});

test('child bindings and the name appear on every line', async (t) => {
  const out = capture();
  const logger = createLogger({ name: 'altostream', level: 'debug', destination: out });
  logger.child({ module: 'mempool' }).debug({ txid: 'ab' }, 'accepted');
  t.equal(out.lines.length, 1);
  t.match(JSON.parse(out.lines[0]!), {
    level: 20,
    name: 'altostream',
    module: 'mempool',
    txid: 'ab',
    msg: 'accepted',
  });
});

test('records below the level are dropped', async (t) => {
  const out = capture();
  const logger = createLogger({ level: 'warn', destination: out });
  logger.info('quiet');
  logger.warn('loud');
  t.equal(out.lines.length, 1);
  t.match(out.lines[0], /"msg":"loud"/);
});

test('pretty writes one readable line with level, name/module, message and fields', async (t) => {
  const out = capture();
  const logger = createLogger({ name: 'altostream', pretty: true, destination: out });
  logger.child({ module: 'chain' }).info({ height: 7 }, 'connected');
  t.equal(out.lines.length, 1);
  t.match(out.lines[0], /^\d\d:\d\d:\d\d\.\d{3} INFO {2}altostream\/chain: connected \{"height":7\}\n$/);
});

test('pretty prints an error stack under its line', async (t) => {
  const out = capture();
  createLogger({ pretty: true, destination: out }).error({ err: new Error('disk full') }, 'commit failed');
  t.match(out.lines[0], /ERROR commit failed\n {4}Error: disk full\n\s+at /);
});

test('per-module levels: a listed module logs at its own level, its children too; the rest at the root level', async (t) => {
  const out = capture();
  const logger = createLogger({ level: 'info', modules: { chain: 'debug', p2p: 'warn' }, destination: out });
  const chain = logger.child({ module: 'chain' });
  const p2p = logger.child({ module: 'p2p' });
  const mempool = logger.child({ module: 'mempool' });
  t.equal(chain.level, 'debug');
  t.equal(p2p.level, 'warn');
  t.equal(mempool.level, 'info', 'an unlisted module keeps the root level');
  t.equal(chain.child({ peer: 'x' }).level, 'debug', "a child's child keeps the module's level");
  chain.debug('chain debug');
  chain.child({ request: 1 }).debug('chain child debug');
  p2p.info('p2p info');
  p2p.warn('p2p warn');
  mempool.debug('mempool debug');
  mempool.info('mempool info');
  logger.debug('root debug');
  t.same(
    out.lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
    ['chain debug', 'chain child debug', 'p2p warn', 'mempool info'],
  );
});

test('bad-log-level: a module with an unknown level is refused and named', async (t) => {
  t.throws(() => createLogger({ modules: { chain: 'loud' }, destination: capture() }), {
    constructor: InvalidArgumentError,
    code: 'bad-log-level',
    message: /module 'chain' must be one of trace, debug/,
  });
});

test('log file: JSON lines are appended to the file while the console keeps its pretty format', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'altostream-log-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'logs', 'node.log');
  const out = capture();
  const first = createLogger({ name: 'altostream', pretty: true, destination: out, file });
  first.child({ module: 'chain' }).info({ height: 7 }, 'connected');
  const second = createLogger({ level: 'debug', modules: { p2p: 'warn' }, destination: capture(), file });
  second.child({ module: 'p2p' }).info('dropped by the module level');
  second.child({ module: 'miner' }).debug('appended after a restart');
  const records = readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  t.match(records, [
    { level: 30, name: 'altostream', module: 'chain', height: 7, msg: 'connected' },
    { level: 20, module: 'miner', msg: 'appended after a restart' },
  ]);
  t.equal(records.length, 2);
  t.match(out.lines, [/^\d\d:\d\d:\d\d\.\d{3} INFO {2}altostream\/chain: connected \{"height":7\}\n$/]);
});

test('bad-log-file: a log file that cannot be opened is refused with the path and what to do', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'altostream-log-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, '');
  t.throws(() => createLogger({ destination: capture(), file: join(blocker, 'node.log') }), {
    constructor: InvalidArgumentError,
    code: 'bad-log-file',
    message: /cannot open the log file .*a-file\/node\.log for appending \(\w+\): pass a path/,
  });
});
