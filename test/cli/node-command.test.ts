// `altostream node` with values that cannot work: each is one line naming the
// flag (or file) and what to do, exit 2 for bad usage and 1 for what the
// machine refuses, before anything is created. The signal is aborted up front,
// so a node that starts by mistake stops at once instead of hanging the test.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { run } from '../../src/cli/run.js';
import { REGTEST } from '../../src/protocol/params.js';
import { addKey, createKey, emptyWallet, saveWallet, walletPath } from '../../src/wallet/keystore.js';
import { captureIo } from '../helpers/io.js';
import { seededRandom } from '../helpers/random.js';
import { ownTempDir } from '../helpers/test-owner.js';

async function node(...args: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const aborted = new AbortController();
  aborted.abort();
  const c = captureIo(aborted.signal);
  const code = await run(['node', '--api-port', '0', '--log-level', 'silent', ...args], c.io);
  return { code, err: c.err, out: c.out };
}

test('reserved-label: a devnet whose wallet has another key labelled faucet exits 1 with one line naming the file', async (t) => {
  const datadir = ownTempDir(t);
  const impostor = createKey('faucet', REGTEST, seededRandom(8));
  await saveWallet(walletPath(datadir), addKey(emptyWallet(REGTEST), impostor));
  const result = await node('--datadir', datadir);
  t.equal(result.code, 1);
  t.same(result.err, [
    `altostream node: ${walletPath(datadir)}: the key labelled 'faucet' is not the regtest faucet key (PROTOCOL.md §1.3): give it another label in that file, then start the node again`,
  ]);
});

test('bad-address: --payout notanaddress exits 2 with one line naming --payout, before the data dir is made', async (t) => {
  const datadir = join(ownTempDir(t), 'new');
  const result = await node('--datadir', datadir, '--payout', 'notanaddress');
  t.equal(result.code, 2);
  t.same(result.err, [`altostream node: --payout takes a regtest address (ralto1…), got 'notanaddress'`]);
  t.notOk(existsSync(datadir));
});

test('bad-flag: --api-host not an address of this machine, unresolvable or empty exits 2 with one line', async (t) => {
  const datadir = join(ownTempDir(t), 'new');
  const cases: [string, string][] = [
    [
      '8.8.8.8',
      `--api-host 8.8.8.8 is not an address of this machine: pass 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses`,
    ],
    [
      'nowhere.invalid',
      `--api-host nowhere.invalid does not resolve to an address: pass an IP address or a name of this machine`,
    ],
    ['', `--api-host is empty: pass 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`],
  ];
  for (const [host, message] of cases) {
    const result = await node('--datadir', datadir, '--no-mine', '--api-host', host);
    t.equal(result.code, 2, host);
    t.same(result.err, [`altostream node: ${message}`], host);
  }
  t.notOk(existsSync(datadir), 'the data dir was not made');
});

test('bad-datadir: a file, a path under a file, or an empty --datadir exits 2 with one line', async (t) => {
  const file = join(ownTempDir(t), 'a-file');
  writeFileSync(file, 'not a directory\n');
  const cases: [string, string][] = [
    [file, `--datadir ${file} is a file, not a directory: pass a directory (it is made if missing)`],
    [
      join(file, 'sub'),
      `--datadir ${join(file, 'sub')} is under ${file}, which is a file: pass a path under a directory`,
    ],
    ['', `--datadir is empty: pass a directory, or leave the flag out for the default`],
  ];
  for (const [datadir, message] of cases) {
    for (const mining of [[], ['--no-mine']]) {
      const result = await node('--datadir', datadir, ...mining);
      t.equal(result.code, 2, `${datadir} ${mining.join(' ')}`);
      t.same(result.err, [`altostream node: ${message}`], `${datadir} ${mining.join(' ')}`);
    }
  }
});

test(
  'bad-datadir: a path where no directory can be made (/proc/x/y) exits 2 at once instead of spinning in mkdir',
  { skip: process.platform !== 'linux' && 'procfs is Linux only' },
  async (t) => {
    const result = await node('--datadir', '/proc/x/y');
    t.equal(result.code, 2);
    t.equal(result.err.length, 1);
    t.match(result.err[0], /^altostream node: --datadir \/proc\/x\/y: /);
    t.notMatch(result.err[0], /\n/, 'one line');
  },
);

// Root writes where chmod forbids, so as root sysfs is the directory that refuses.
const ROOT = process.getuid?.() === 0;

test(
  'datadir-not-writable: a data dir the node may not write exits 2 with one line, mining or not',
  { skip: ROOT && !existsSync('/sys/kernel') && 'running as root without /sys: nothing refuses a write' },
  async (t) => {
    let datadir: string;
    if (ROOT) {
      datadir = '/sys/altostream-test';
    } else {
      const locked = join(ownTempDir(t), 'locked');
      mkdirSync(locked, { mode: 0o500 });
      datadir = join(locked, 'node');
    }
    for (const mining of [[], ['--no-mine']]) {
      const result = await node('--datadir', datadir, ...mining);
      t.equal(result.code, 2, mining.join(' '));
      t.equal(result.err.length, 1);
      t.match(
        result.err[0],
        /^altostream node: --datadir .*: cannot write to .*: pass a --datadir you own, or make it writable$/,
      );
    }
  },
);

test('bad-flag: --threads -1 is read as a value, not an ambiguous flag: it says what to pass', async (t) => {
  for (const threads of [['--threads', '-1'], ['--threads=-1']]) {
    const result = await node(...threads);
    t.equal(result.code, 2, threads.join(' '));
    t.same(result.err, [`altostream node: --threads takes a whole number from 1 to 256, got '-1'`]);
  }
});

test('an unknown flag still exits 2 with the usage after the message', async (t) => {
  const result = await node('--frobnicate');
  t.equal(result.code, 2);
  t.match(result.err.join('\n'), /Unknown option '--frobnicate'[\s\S]*Usage: altostream node/);
});

test('bad-flag: --api-max-streams must be a whole number from 1 to 10000', async (t) => {
  for (const value of ['0', 'many', '10001']) {
    const result = await node('--datadir', join(ownTempDir(t), 'new'), '--api-max-streams', value);
    t.equal(result.code, 2, value);
    t.match(result.err.join('\n'), /--api-max-streams/, value);
  }
});

test('bad-flag: --max-peers-per-ip takes 0 to 1000 and --allow-ip an address or CIDR range', async (t) => {
  const cases: [string[], string][] = [
    [['--max-peers-per-ip', '-1'], `--max-peers-per-ip takes a whole number from 0 to 1000, got '-1'`],
    [['--max-peers-per-ip', '1001'], `--max-peers-per-ip must be from 0 to 1000, got 1001`],
    [
      ['--allow-ip', 'localhost'],
      `--allow-ip takes an IP address or a CIDR range such as 192.168.1.0/24, got 'localhost'`,
    ],
    [
      ['--allow-ip', '10.0.0.0/33'],
      `--allow-ip takes an IP address or a CIDR range such as 192.168.1.0/24, got '10.0.0.0/33'`,
    ],
  ];
  for (const [flags, message] of cases) {
    const datadir = join(ownTempDir(t), 'new');
    const result = await node('--datadir', datadir, '--listen', '/ip4/127.0.0.1/tcp/0', ...flags);
    t.equal(result.code, 2, flags.join(' '));
    t.same(result.err, [`altostream node: ${message}`]);
    t.notOk(existsSync(datadir), 'nothing is created');
  }
});

test('bad-flag: the Stratum flags, each checked before anything is made', async (t) => {
  const cases: [string[], string][] = [
    [['--stratum-port', '70000'], '--stratum-port must be from 0 to 65535, got 70000'],
    [['--stratum', '--stratum-mode', 'party'], "--stratum-mode takes solo or pool, got 'party'"],
    [['--stratum-mode', 'pool'], '--stratum-mode needs --stratum or --stratum-port'],
    [['--stratum', '--pplns-factor', '2'], '--pplns-factor is for --stratum-mode pool'],
    [
      ['--stratum', '--stratum-mode', 'pool', '--pplns-factor', '0'],
      "--pplns-factor takes a positive number up to 1000, got '0'",
    ],
    [['--stratum', '--stratum-max-per-ip', '0'], '--stratum-max-per-ip must be from 1 to 100000, got 0'],
    [
      ['--stratum', '--stratum-host', '203.0.113.9'],
      '--stratum-host 203.0.113.9 is not an address of this machine: pass 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses',
    ],
    [
      ['--network', 'testnet', '--stratum', '--stratum-mode', 'pool'],
      '--stratum-mode pool pays the operator: it needs --payout <address>',
    ],
  ];
  for (const [flags, message] of cases) {
    const datadir = join(ownTempDir(t), 'new');
    const result = await node('--datadir', datadir, '--no-mine', ...flags);
    t.equal(result.code, 2, flags.join(' '));
    t.same(result.err, [`altostream node: ${message}`]);
    t.notOk(existsSync(datadir), 'nothing is created');
  }
});
