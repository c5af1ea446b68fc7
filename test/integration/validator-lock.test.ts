// Validator mode from the command line: a node validating with a wallet key
// shows it in GET /status, and a second process on this machine with the same
// key refuses to start (exit 3) — two signers on one key never run at once.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { lockValidatorKey } from '../../src/node/lock.js';
import { getJson } from '../helpers/network.js';
import { NodeProcess, runCli } from '../helpers/node-process.js';
import { tempDir } from '../helpers/temp-dir.js';

test('the validator lock: one holder per key, free again once released', async (t) => {
  const release = lockValidatorKey('ab'.repeat(20), 'ralto1test');
  t.throws(() => lockValidatorKey('ab'.repeat(20), 'ralto1test'), { code: 'validator-locked' });
  release();
  lockValidatorKey('ab'.repeat(20), 'ralto1test')();
  t.pass('taken again after release');
});

test('node --validator shows its key in GET /status; a second node with the same key exits 3', async (t) => {
  const first = tempDir((fn) => {
    t.teardown(fn);
  });
  const { proc, url } = await NodeProcess.start(['--datadir', first, '--no-mine', '--validator']);
  t.teardown(() => {
    proc.kill('SIGKILL');
  });
  const { validator } = await getJson<{ validator: { address: string; stake: string; slotsWon: number } }>(
    `${url}/status`,
  );
  t.match(validator.address, /^ralto1/, 'the wallet key validates');
  t.equal(validator.stake, '0', 'nothing bonded yet');
  t.equal(validator.slotsWon, 0);

  // The same wallet in another data directory: the same key.
  const second = tempDir((fn) => {
    t.teardown(fn);
  });
  mkdirSync(second, { recursive: true });
  copyFileSync(join(first, 'wallet.json'), join(second, 'wallet.json'));
  const result = await runCli(['node', '--datadir', second, '--no-mine', '--validator', '--api-port', '0'], {
    killAfterMs: 30_000,
  });
  t.equal(result.code, 3, 'exit 3');
  t.match(result.stderr, /another node \(pid \d+\) is validating with ralto1/);
});

test('--validator-key names a wallet key; one that is not there is a clear error', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const result = await runCli(
    ['node', '--datadir', dir, '--no-mine', '--validator', '--validator-key', 'nosuch', '--api-port', '0'],
    {
      killAfterMs: 30_000,
    },
  );
  t.equal(result.code, 1);
  t.match(result.stderr, /has no key 'nosuch': create it with `altostream wallet new --label nosuch`/);
  const bare = await runCli(['node', '--datadir', dir, '--validator-key', 'x'], { killAfterMs: 30_000 });
  t.equal(bare.code, 2);
  t.match(bare.stderr, /--validator-key needs --validator/);
});
