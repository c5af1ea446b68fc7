// The README's first command, walked end to end through the CLI and the HTTP
// API only: a devnet node mines, the wallet sends a transfer to a second
// address, and the transfer is confirmed in a microblock.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { NodeProcess, runCli } from '../helpers/node-process.js';
import { SseClient } from '../helpers/sse.js';
import { tempDir } from '../helpers/temp-dir.js';

const ALTO = 10n ** 18n;

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Resolves with `promise`, or fails the walk once `ms` have passed. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

test('devnet walk: mine within 30 s, send with the wallet CLI, confirmed in a microblock within 5 s', async (t) => {
  const datadir = tempDir((fn) => {
    t.teardown(fn);
  });
  // No mining flags: the devnet defaults (one thread, a key block per 10 s, the wallet's default key).
  const { proc, url } = await NodeProcess.start(['--datadir', datadir]);
  t.teardown(() => {
    proc.kill('SIGKILL');
  });
  const events = await SseClient.open(`${url}/events?from=1`);
  t.teardown(() => {
    events.close();
  });
  await within(
    30_000,
    'a mined key block',
    events.wait((m) => m.some((e) => e.event === 'block_connected' && e.data.kind === 'key')),
  );

  const api = ['--datadir', datadir, '--api', url];
  // The devnet's plaintext wallet is encrypted by its first `wallet new` (decision 239).
  const passphrase = join(datadir, 'test-passphrase');
  writeFileSync(passphrase, 'devnet test passphrase\n', { mode: 0o600 });
  const created = await runCli([
    'wallet',
    'new',
    '--label',
    'second',
    '--passphrase-file',
    passphrase,
    ...api,
  ]);
  t.equal(created.code, 0, created.stderr);
  const second = created.stdout.trim();
  t.match(second, /^ralto1/);

  const sent = await runCli(['wallet', 'send', second, '5', '--from', 'faucet', ...api]);
  t.equal(sent.code, 0, sent.stderr);
  const txid = sent.stdout.trim();
  t.match(txid, /^[0-9a-f]{64}$/);

  const confirmed = await within(
    5_000,
    'the transfer confirmed',
    (async () => {
      for (;;) {
        const status = await get<{
          status: string;
          block: { kind?: string; seq: number; keyHeight: number } | null;
        }>(`${url}/txs/${txid}`);
        if (status.status === 'confirmed') return status;
        const seen = events.messages.length;
        await events.wait((m) => m.length > seen);
      }
    })(),
  );
  t.equal(confirmed.status, 'confirmed');
  t.ok(confirmed.block !== null && confirmed.block.keyHeight >= 1, 'in a microblock of a mined epoch');

  const account = await get<{ balance: string }>(`${url}/accounts/${second}`);
  t.equal(BigInt(account.balance), 5n * ALTO, 'the second address holds 5 ALTO');
  const balance = await runCli(['wallet', 'balance', 'second', ...api]);
  t.equal(balance.code, 0, balance.stderr);
  t.match(balance.stdout, /5(\.0+)? ALTO/);
  const status = await runCli(['status', '--api', url]);
  t.equal(status.code, 0, status.stderr);
  t.match(status.stdout, /regtest/);

  proc.kill('SIGTERM');
  t.equal((await proc.exited).code, 0, 'Ctrl-C/SIGTERM stops it cleanly');
});

test('one node per data dir: a second exits 3 saying which pid holds it; the secrets are 0600', async (t) => {
  const datadir = tempDir((fn) => {
    t.teardown(fn);
  });
  const { proc } = await NodeProcess.start(['--datadir', datadir, '--no-mine']);
  t.teardown(() => {
    proc.kill('SIGKILL');
  });
  const second = await runCli(['node', '--datadir', datadir, '--api-port', '0', '--no-mine']);
  t.equal(second.code, 3);
  t.match(second.stderr, new RegExp(`another node \\(pid ${proc.child.pid}\\) is using ${datadir}`));
  for (const file of ['node-key', 'api-token']) {
    t.equal(statSync(join(datadir, file)).mode & 0o777, 0o600, `${file} is readable by its owner only`);
  }
  const bad = await runCli(['node', '--datadir', datadir, '--threads', 'many']);
  t.equal(bad.code, 2, 'a bad flag is a usage error');
  t.match(bad.stderr, /--threads/);
  proc.kill('SIGTERM');
  t.equal((await proc.exited).code, 0);
});

test('bad-datadir, bad-address, bad-flag: bad node flags exit 2 with one line, and /proc/x/y does not spin', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory\n');
  const cases: string[][] = [
    ['--datadir', file],
    ['--datadir', ''],
    ['--datadir', join(dir, 'node'), '--payout', 'notanaddress'],
    ['--datadir', join(dir, 'node'), '--api-host', '8.8.8.8'],
    ['--datadir', join(dir, 'node'), '--threads', '-1'],
  ];
  if (process.platform === 'linux') cases.push(['--datadir', '/proc/x/y']);
  for (const args of cases) {
    // Before the data dir was checked, /proc/x/y spun in mkdir until killed.
    const result = await runCli(['node', '--api-port', '0', ...args], { killAfterMs: 20_000 });
    const what = args.join(' ');
    t.equal(result.code, 2, what);
    t.match(result.stderr, /^altostream node: --(datadir|payout|api-host|threads)\b[^\n]*\n$/, what);
  }
});
