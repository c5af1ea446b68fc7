// `altostream node`'s layered settings (node/settings.ts, node/settings-layers.ts): flags beat
// ALTO_* variables, which beat altostream.conf, which beats the defaults; a bad value from any
// of them exits 2 naming the key by its source before anything is written; --print-config
// prints the result and writes nothing; a data dir held by another node exits 3.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { run } from '../../src/cli/run.js';
import { lockDataDir } from '../../src/node/lock.js';
import { checkLogFile, parseCorsOrigin, parseLogLevelSpec, parseMetricsFlag } from '../../src/node/config.js';
import { InvalidArgumentError } from '../../src/util/errors.js';
import { REGTEST } from '../../src/protocol/params.js';
import { createKey } from '../../src/wallet/keystore.js';
import { captureIo } from '../helpers/io.js';
import { seededRandom } from '../helpers/random.js';
import { encryptedWallet, passphraseFile } from '../wallet/test-kdf.js';
import { ownTempDir, type TestOwner } from '../helpers/test-owner.js';

async function node(...args: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const aborted = new AbortController();
  aborted.abort(); // a node that starts by mistake stops at once
  const c = captureIo(aborted.signal);
  const code = await run(['node', ...args], c.io);
  return { code, err: c.err, out: c.out };
}

/** Sets ALTO_* variables for one test; they are removed at its teardown. */
function withEnv(t: TestOwner, vars: Record<string, string>): void {
  for (const [name, value] of Object.entries(vars)) {
    process.env[name] = value;
    t.teardown(() => {
      Reflect.deleteProperty(process.env, name);
    });
  }
}

/** The print-config line of `key` (the first one for a list), commented out or not. */
function line(out: readonly string[], key: string): string | undefined {
  return out.find((l) => l.startsWith(`${key} = `) || l.startsWith(`# ${key} `));
}

/** print-config's `key = value` pairs, defaults included, without the sources. */
function settingLines(out: readonly string[]): string[] {
  return out
    .filter((l) => /^(# )?[a-z-]+ = /.test(l) && !/^(# )?datadir = /.test(l))
    .map((l) => l.replace(/^# /, '').replace(/ {2}#.*$/, ''));
}

test('bad-flag: a bad api-port from a flag, ALTO_API_PORT or a file line exits 2 naming that source, and no data dir is made', async (t) => {
  const dir = ownTempDir(t);
  const datadir = join(dir, 'node');
  const conf = join(dir, 'alto.conf');
  writeFileSync(conf, '# a comment\n\nthreads = 2\napi-port = 70000\n');

  const byFlag = await node('--datadir', datadir, '--api-port', 'x');
  t.equal(byFlag.code, 2);
  t.same(byFlag.err, [`altostream node: --api-port takes a whole number from 0 to 65535, got 'x'`]);

  withEnv(t, { ALTO_API_PORT: 'x' });
  const byEnv = await node('--datadir', datadir);
  t.equal(byEnv.code, 2);
  t.same(byEnv.err, [`altostream node: ALTO_API_PORT takes a whole number from 0 to 65535, got 'x'`]);
  delete process.env.ALTO_API_PORT;

  const byFile = await node('--datadir', datadir, '--config', conf);
  t.equal(byFile.code, 2);
  t.same(byFile.err, [`altostream node: ${conf}:4 api-port must be from 0 to 65535, got 70000`]);
  t.notOk(existsSync(datadir), 'the data dir was not made');
});

test("bad-flag: a bad value in the data dir's own altostream.conf names file and line, and nothing is written there", async (t) => {
  const datadir = ownTempDir(t);
  const conf = join(datadir, 'altostream.conf');
  writeFileSync(conf, 'mine = 1\nlisten = /ip4/127.0.0.1/tcp/0\nallow-ip = 10.0.0.0/8\nallow-ip = nowhere\n');
  const result = await node('--datadir', datadir);
  t.equal(result.code, 2);
  t.same(result.err, [
    `altostream node: ${conf}:4 allow-ip takes an IP address or a CIDR range such as 192.168.1.0/24, got 'nowhere'`,
  ]);
  t.same(readdirSync(datadir), ['altostream.conf'], 'no wallet, lock or chain was made');

  writeFileSync(conf, 'mine = maybe\n');
  const bool = await node('--datadir', datadir);
  t.equal(bool.code, 2);
  t.same(bool.err, [`altostream node: ${conf}:1 mine takes 1, 0, true or false, got 'maybe'`]);

  withEnv(t, { ALTO_MINE: 'yes' });
  const env = await node('--datadir', join(datadir, 'new'));
  t.equal(env.code, 2);
  t.same(env.err, [`altostream node: ALTO_MINE takes 1, 0, true or false, got 'yes'`]);
  t.same(readdirSync(datadir), ['altostream.conf']);
});

test('a cross-key check names the source of the key at fault: mine from the file needs a payout off the devnet', async (t) => {
  const dir = ownTempDir(t);
  const conf = join(dir, 'testnet.conf');
  writeFileSync(conf, 'network = testnet\nmine = 1\n');
  const result = await node('--config', conf, '--datadir', join(dir, 'node'));
  t.equal(result.code, 2);
  t.same(result.err, [`altostream node: ${conf}:2 mine needs --payout <address> off the devnet`]);
  t.notOk(existsSync(join(dir, 'node')));
});

test('precedence: a flag beats ALTO_*, which beats altostream.conf, which beats the default; --print-config says which', async (t) => {
  const datadir = ownTempDir(t);
  const conf = join(datadir, 'altostream.conf');
  writeFileSync(
    conf,
    [
      'api-port = 1111',
      'threads = 3',
      'max-peers = 7',
      'allow-ip = 10.0.0.0/8',
      'allow-ip = 192.168.1.7',
      'log-level = warn,chain=debug  # quieter',
    ].join('\n'),
  );
  withEnv(t, { ALTO_API_PORT: '2222', ALTO_THREADS: '4' });
  const result = await node('--datadir', datadir, '--api-port', '3333', '--no-mine', '--print-config');
  t.equal(result.code, 0, result.err.join('\n'));
  t.same(result.err, []);
  t.equal(line(result.out, 'api-port'), 'api-port = 3333  # flag --api-port');
  t.equal(line(result.out, 'threads'), 'threads = 4  # env ALTO_THREADS');
  t.equal(line(result.out, 'mine'), 'mine = 0  # flag --no-mine');
  t.equal(line(result.out, 'max-peers'), `max-peers = 7  # ${conf}:3`);
  t.equal(line(result.out, 'api-max-streams'), '# api-max-streams = 100  # default');
  t.equal(line(result.out, 'log-level'), `log-level = warn,chain=debug  # ${conf}:6`);
  t.same(
    result.out.filter((l) => l.startsWith('allow-ip')),
    [`allow-ip = 10.0.0.0/8  # ${conf}:4`, `allow-ip = 192.168.1.7  # ${conf}:5`],
  );
  t.equal(line(result.out, 'datadir'), `# datadir = ${datadir}  # flag --datadir`);
  t.match(result.out.join('\n'), `# config file: ${conf}\n`);
  t.same(readdirSync(datadir), ['altostream.conf'], '--print-config wrote nothing');

  // The output is a config file: read back, it gives the same values (every one from that file now).
  const other = ownTempDir(t);
  writeFileSync(join(other, 'altostream.conf'), result.out.join('\n'));
  delete process.env.ALTO_API_PORT;
  delete process.env.ALTO_THREADS;
  const again = await node('--datadir', other, '--print-config');
  t.equal(again.code, 0, again.err.join('\n'));
  t.same(settingLines(again.out), settingLines(result.out));
  t.match(line(again.out, 'api-port'), `api-port = 3333  # ${join(other, 'altostream.conf')}:`);
});

test('--print-config writes nothing: a missing data dir stays missing, and nothing starts', async (t) => {
  const datadir = join(ownTempDir(t), 'missing');
  const result = await node('--datadir', datadir, '--print-config', '--api-port', '0');
  t.equal(result.code, 0);
  t.notOk(existsSync(datadir));
  t.match(result.out.join('\n'), `# config file: ${join(datadir, 'altostream.conf')} (not found)`);
  t.match(result.out, [
    '# altostream node --print-config: the settings in force, each with where it came from.',
  ]);
  t.equal(
    line(result.out, 'payout'),
    "# payout is unset: regtest: the wallet's 'default' key; elsewhere mining needs it",
  );
});

test('bad-config: an unknown key in the file exits 2 with the line and the nearest key; an unknown ALTO_* is a warning', async (t) => {
  const datadir = ownTempDir(t);
  const conf = join(datadir, 'altostream.conf');
  writeFileSync(conf, '\n# ports\napi-prot = 1234\n');
  const typo = await node('--datadir', datadir, '--print-config');
  t.equal(typo.code, 2);
  t.same(typo.err, [
    `altostream node: ${conf}:3: unknown setting 'api-prot' (did you mean api-port?): fix or remove the line (altostream node --help lists the settings)`,
  ]);
  t.same(typo.out, []);

  const cases: [string, string][] = [
    ['datadir = /srv/alto', `${conf}:1: datadir cannot be set in the data dir's own altostream.conf`],
    ['network = testnet', `${conf}:1: network cannot be set in the data dir's own altostream.conf`],
    ['print-config = 1', `${conf}:1: print-config is for the command line only: pass --print-config`],
    ['api-port = 1\napi-port = 2', `${conf}:2: api-port is already set on line 1: keep one of the two`],
    ['[main]', `${conf}:1: sections such as [main] are not supported`],
    ['api-port 1234', `${conf}:1: expected key = value, got 'api-port 1234'`],
  ];
  for (const [text, message] of cases) {
    writeFileSync(conf, `${text}\n`);
    const result = await node('--datadir', datadir, '--print-config');
    t.equal(result.code, 2, text);
    t.match(result.err.join('\n'), `altostream node: ${message}`, text);
  }

  writeFileSync(conf, '');
  withEnv(t, { ALTO_API_PROT: '1234', ALTO_PRINT_CONFIG: '' });
  const env = await node('--datadir', datadir, '--print-config');
  t.equal(env.code, 0);
  t.same(env.err, [
    'altostream node: warning: ALTO_API_PROT is not a setting and is ignored (did you mean ALTO_API_PORT?)',
  ]);
  process.env.ALTO_PRINT_CONFIG = '1';
  const flagOnly = await node('--datadir', datadir, '--print-config');
  t.equal(flagOnly.code, 2);
  t.match(
    flagOnly.err.at(-1),
    /ALTO_PRINT_CONFIG: print-config is a command-line flag only: pass --print-config/,
  );
});

test('bad-config: a --config file that does not exist exits 2; a missing altostream.conf in the data dir is fine', async (t) => {
  const dir = ownTempDir(t);
  const missing = join(dir, 'nope.conf');
  const result = await node('--config', missing, '--datadir', join(dir, 'node'));
  t.equal(result.code, 2);
  t.same(result.err, [
    `altostream node: --config ${missing}: no such file: pass an existing file, or leave it out`,
  ]);
  withEnv(t, { ALTO_CONFIG: missing });
  const env = await node('--datadir', join(dir, 'node'), '--print-config');
  t.equal(env.code, 2);
  t.same(env.err, [
    `altostream node: ALTO_CONFIG ${missing}: no such file: pass an existing file, or leave it out`,
  ]);
  t.notOk(existsSync(join(dir, 'node')));
});

test('the new keys: metrics, api-rate-limit, api-cors, log-file, each checked with its source before anything is made', async (t) => {
  const dir = ownTempDir(t);
  const datadir = join(dir, 'node');
  const cases: [string[], string][] = [
    [
      ['--metrics', 'nine'],
      `--metrics takes [HOST:]PORT, as in 9100, 0.0.0.0:9100 or [::1]:9100, or off; got 'nine'`,
    ],
    [['--metrics', '203.0.113.9:9100'], '--metrics 203.0.113.9 is not an address of this machine'],
    [['--api-rate-limit', '-5'], `--api-rate-limit takes a whole number from 0 to 1000000, got '-5'`],
    [['--api-cors', 'https://app.example/'], `--api-cors takes an origin such as https://app.example`],
    [
      ['--api-cors', '*', '--api-cors', 'https://a.example'],
      '--api-cors * allows every origin: give it alone',
    ],
    [['--log-file', join(dir, 'no-dir', 'node.log')], `--log-file ${join(dir, 'no-dir', 'node.log')}: `],
    [['--log-level', 'info,chain=loud'], `--log-level takes a level`],
  ];
  for (const [flags, message] of cases) {
    const result = await node('--datadir', datadir, '--no-mine', ...flags);
    t.equal(result.code, 2, flags.join(' '));
    t.match(result.err.join('\n'), `altostream node: ${message}`, flags.join(' '));
  }
  t.notOk(existsSync(datadir));
  t.notOk(existsSync(join(dir, 'no-dir')), 'the log file directory was not made');

  const ok = await node(
    '--datadir',
    datadir,
    '--print-config',
    '--metrics',
    '9100',
    '--api-cors',
    'https://app.example',
    '--api-cors',
    'http://localhost:3000',
    '--api-rate-limit',
    '0',
    '--api-rate-limit-loopback',
    '--log-file',
    join(dir, 'node.log'),
  );
  t.equal(ok.code, 0, ok.err.join('\n'));
  t.equal(line(ok.out, 'metrics'), 'metrics = 9100  # flag --metrics');
  t.same(
    ok.out.filter((l) => l.startsWith('api-cors')),
    [
      'api-cors = https://app.example  # flag --api-cors',
      'api-cors = http://localhost:3000  # flag --api-cors',
    ],
  );
  t.equal(
    line(ok.out, 'api-rate-limit-loopback'),
    'api-rate-limit-loopback = 1  # flag --api-rate-limit-loopback',
  );
  t.notOk(existsSync(join(dir, 'node.log')), 'the log file is not created by checking it');

  withEnv(t, { ALTO_API_CORS: 'https://a.example, https://b.example' });
  const env = await node('--datadir', datadir, '--print-config');
  t.same(
    env.out.filter((l) => l.startsWith('api-cors')),
    [
      'api-cors = https://a.example  # env ALTO_API_CORS',
      'api-cors = https://b.example  # env ALTO_API_CORS',
    ],
  );
});

test('datadir-locked: a data dir another node holds exits 3 with one line', async (t) => {
  const datadir = ownTempDir(t);
  const release = lockDataDir(datadir);
  t.teardown(release);
  const result = await node('--datadir', datadir, '--no-mine', '--api-port', '0', '--log-level', 'silent');
  t.equal(result.code, 3);
  t.same(result.err, [
    `altostream node: another node (pid ${process.pid}) is using ${datadir}: stop it first, or pass a different --datadir`,
  ]);
});

test('a missing validator key is refused before the devnet wallet or the data dir is made', async (t) => {
  const datadir = join(ownTempDir(t), 'node');
  const result = await node('--datadir', datadir, '--validator', '--validator-key', 'nobody');
  t.equal(result.code, 1);
  t.match(result.err, [/has no key 'nobody'/]);
  t.notOk(existsSync(datadir));
});

test('parseLogLevelSpec: a base level, then module=level pairs; a bad spec is bad-flag naming the key', async (t) => {
  t.same(parseLogLevelSpec('info'), { level: 'info', modules: {} });
  t.same(parseLogLevelSpec('info,chain=debug,p2p=warn'), {
    level: 'info',
    modules: { chain: 'debug', p2p: 'warn' },
  });
  t.same(parseLogLevelSpec('chain=trace'), { level: 'info', modules: { chain: 'trace' } });
  t.same(parseLogLevelSpec('silent,api=error'), { level: 'silent', modules: { api: 'error' } });
  const bad: [string, RegExp][] = [
    ['', /'' is not a level in ''/],
    ['loud', /'loud' is not a level in 'loud'/],
    ['info,debug', /the base level is given twice/],
    ['chain=debug,warn', /the base level comes first/],
    ['info,chain=debug,chain=warn', /module 'chain' is given twice/],
    ['info,Chain=debug', /'Chain=debug' is not a level/],
    ['info,chain=', /'' is not a level/],
    ['info,,chain=debug', /'' is not a level/],
  ];
  for (const [spec, why] of bad) {
    let error: unknown;
    try {
      parseLogLevelSpec(spec);
    } catch (caught) {
      error = caught;
    }
    t.ok(error instanceof InvalidArgumentError, spec);
    t.match(error, { code: 'bad-flag' }, spec);
    t.match(
      (error as Error).message,
      /^--log-level takes a level \(trace, debug, info, warn, error, fatal, silent\), then module=level pairs/,
      spec,
    );
    t.match((error as Error).message, why, spec);
  }
});

test('parseMetricsFlag, parseCorsOrigin and checkLogFile: the forms they take', async (t) => {
  t.same(parseMetricsFlag('9100'), { host: '127.0.0.1', port: 9100 });
  t.same(parseMetricsFlag('0.0.0.0:9100'), { host: '0.0.0.0', port: 9100 });
  t.same(parseMetricsFlag('[::1]:9100'), { host: '::1', port: 9100 });
  t.same(parseMetricsFlag('localhost:0'), { host: 'localhost', port: 0 });
  t.equal(parseMetricsFlag('off'), null);
  for (const bad of ['', '::1:9100', '[::1]', 'host:', 'host:99999', '9100/metrics']) {
    t.throws(() => parseMetricsFlag(bad), { code: 'bad-flag' }, bad);
  }
  for (const good of ['*', 'https://app.example', 'http://localhost:3000', 'https://[::1]:8443']) {
    t.equal(parseCorsOrigin(good), good);
  }
  for (const bad of [
    'app.example',
    'https://app.example/',
    'https://App.example',
    'ftp://a.example',
    'null',
    '',
  ]) {
    t.throws(() => parseCorsOrigin(bad), { code: 'bad-flag' }, bad);
  }
  const dir = ownTempDir(t);
  t.equal(checkLogFile(join(dir, 'node.log')), join(dir, 'node.log'));
  t.notOk(existsSync(join(dir, 'node.log')));
  mkdirSync(join(dir, 'sub'));
  t.throws(() => checkLogFile(join(dir, 'sub')), { code: 'bad-flag', message: /is not a file/ });
  t.throws(() => checkLogFile(''), { code: 'bad-flag', message: /is empty/ });
});

test('log-file and per-module log-level reach the logger: the file holds JSON lines at each module its own level', async (t) => {
  const dir = ownTempDir(t);
  const file = join(dir, 'node.log');
  const started = await node(
    '--datadir',
    join(dir, 'node'),
    '--no-mine',
    '--api-port',
    '0',
    '--log-format',
    'json',
    '--log-file',
    file,
    '--log-level',
    'warn,node=info',
  );
  t.equal(started.code, 0);
  const records = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text) as { level: number; module?: string; msg: string });
  const messages = records.map((r) => r.msg);
  t.ok(messages.includes('node started'), 'the node module logs at info');
  t.ok(messages.includes('node stopped'));
  t.same(
    records.filter((r) => r.level < 40 && r.module !== 'node').map((r) => `${r.module}: ${r.msg}`),
    [],
    'every other module logs at warn and above only',
  );
});

test('validator-passphrase-file opens an encrypted wallet for validator mode; without it or with a wrong one the node exits 3 and makes nothing', async (t) => {
  const dir = ownTempDir(t);
  const datadir = join(dir, 'node');
  mkdirSync(datadir);
  const key = createKey('val', REGTEST, seededRandom(18));
  await encryptedWallet(datadir, REGTEST, [key]);
  const before = readdirSync(datadir);
  const validator = [
    '--datadir',
    datadir,
    '--no-mine',
    '--api-port',
    '0',
    '--validator',
    '--validator-key',
    'val',
  ];

  const locked = await node(...validator);
  t.equal(locked.code, 3);
  t.match(locked.err.join('\n'), /validator key 'val' is encrypted: pass --validator-passphrase-file/);
  t.same(readdirSync(datadir), before, 'nothing written');

  const wrong = await node(
    ...validator,
    '--validator-passphrase-file',
    passphraseFile(dir, 'not it', 'wrong'),
  );
  t.equal(wrong.code, 3);
  t.match(wrong.err.join('\n'), /--validator-passphrase-file does not open the wallet/);
  t.same(readdirSync(datadir), before, 'nothing written');

  withEnv(t, { ALTO_VALIDATOR_PASSPHRASE_FILE: passphraseFile(dir) });
  const started = await node(...validator);
  t.equal(started.code, 0, 'the right passphrase starts the validator');

  const stray = await node('--datadir', datadir, '--validator-passphrase-file', passphraseFile(dir));
  t.equal(stray.code, 2);
  t.match(stray.err.join('\n'), /--validator-passphrase-file needs --validator/);
});
