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
