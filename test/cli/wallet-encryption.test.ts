import { existsSync, readFileSync, statSync } from 'node:fs';
import { test } from 'tap';
import { walletCommand, EXIT_LOCKED } from '../../src/cli/wallet-command.js';
import type { PassphrasePrompt } from '../../src/cli/wallet-secrets.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { agentSocketPath, agentStatus } from '../../src/wallet/agent.js';
import {
  addKey,
  createKey,
  emptyWallet,
  faucetKey,
  loadWallet,
  saveWallet,
  unlockWallet,
  walletPath,
  type WalletKey,
} from '../../src/wallet/keystore.js';
import { captureIo } from '../helpers/io.js';
import { seededRandom } from '../helpers/random.js';
import { StubNode, type StubAccount } from '../helpers/stub-node.js';
import { ownTempDir, type TestOwner } from '../helpers/test-owner.js';
import { encryptedWallet, PASSPHRASE, passphraseFile } from '../wallet/test-kdf.js';

const FAUCET = faucetKey(REGTEST)!;
const random = seededRandom(18);
const ALICE = createKey('default', REGTEST, random);
const SAVINGS = createKey('savings', REGTEST, random);
const BOB = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0xb0));
const RICH: StubAccount = { balance: parseAlto('1000'), nonce: 5n, nextNonce: 7n, unmatured: 0n };

/** stdin is not a terminal: nobody can be asked. */
const NO_TTY: PassphrasePrompt = {
  isTTY: false,
  ask: () => Promise.reject(new Error('asked without a terminal')),
};

/** A terminal where the user types `answers`, one per question. */
function typing(...answers: string[]): PassphrasePrompt & { questions: string[] } {
  const questions: string[] = [];
  return {
    isTTY: true,
    questions,
    ask: (question) => {
      questions.push(question);
      const answer = answers.shift();
      return answer === undefined
        ? Promise.reject(new Error('asked once too often'))
        : Promise.resolve(answer);
    },
  };
}

/** A datadir, a stub node where ALICE is rich, and `wallet(...)` running the command against both. */
async function setup(t: TestOwner) {
  const datadir = ownTempDir(t);
  const stub = await StubNode.start(t);
  stub.accounts.set(ALICE.address, RICH);
  stub.accounts.set(FAUCET.address, RICH);
  const wallet = async (prompt: PassphrasePrompt, ...args: string[]) => {
    const c = captureIo();
    const code = await walletCommand(
      ['--datadir', datadir, '--api', stub.url, ...args],
      c.io,
      { pollMs: 1, timeoutMs: 2000 },
      prompt,
    );
    return { code, out: c.out, err: c.err.join('\n') };
  };
  return { datadir, stub, wallet, pass: passphraseFile(ownTempDir(t)) };
}

test('wallet-bad-passphrase: a wrong passphrase exits 3 and sends nothing', async (t) => {
  const { datadir, stub, wallet } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [ALICE]);
  const wrong = passphraseFile(ownTempDir(t), 'Tr0ub4dor&3');
  const result = await wallet(NO_TTY, 'send', BOB, '1', '--passphrase-file', wrong);
  t.equal(result.code, EXIT_LOCKED);
  t.equal(EXIT_LOCKED, 3);
  t.match(result.err, /^wallet-bad-passphrase: .*wrong passphrase/);
  t.same(stub.posted, []);
  const typed = await wallet(typing('nope'), 'send', BOB, '1');
  t.equal(typed.code, 3, 'typed wrong on a terminal: the same');
});

test('wallet-locked: a locked key without a terminal, a passphrase file or an agent exits 3 and says what to pass', async (t) => {
  const { datadir, stub, wallet } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [ALICE]);
  const result = await wallet(NO_TTY, 'send', BOB, '1');
  t.equal(result.code, 3);
  t.match(
    result.err,
    /wallet-locked: .*stdin is not a terminal: pass --passphrase-file FILE, or run `altostream wallet unlock`/,
  );
  t.same(stub.posted, []);
});

test('a passphrase typed on a terminal signs, and is asked once', async (t) => {
  const { datadir, stub, wallet } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [ALICE]);
  const prompt = typing(PASSPHRASE);
  const result = await wallet(prompt, 'send', BOB, '1');
  t.equal(result.code, 0, result.err);
  t.equal(stub.posted.length, 1);
  t.equal(prompt.questions.length, 1);
});

test('the public faucet key signs without a passphrase, and address marks it public', async (t) => {
  const { datadir, stub, wallet } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [FAUCET, ALICE]);
  const result = await wallet(NO_TTY, 'send', BOB, '1', '--from', 'faucet');
  t.equal(result.code, 0, result.err);
  t.equal(stub.posted.length, 1);
  const listed = await wallet(NO_TTY, 'address');
  t.same(listed.out, [
    `faucet   ${FAUCET.address}  (public: the network faucet key, PROTOCOL.md §1.3)`,
    `default  ${ALICE.address}`,
  ]);
  t.equal(listed.err, '', 'an encrypted wallet gets no warning');
});

test('new: passphrase-required (exit 2) without a terminal or a file; an empty passphrase file is refused', async (t) => {
  const { datadir, wallet } = await setup(t);
  const bare = await wallet(NO_TTY, 'new');
  t.equal(bare.code, 2);
  t.match(bare.err, /needs a passphrase and stdin is not a terminal: pass --passphrase-file FILE/);
  const empty = await wallet(NO_TTY, 'new', '--passphrase-file', passphraseFile(ownTempDir(t), ''));
  t.equal(empty.code, 2);
  t.match(empty.err, /the passphrase is empty/);
  const missing = await wallet(NO_TTY, 'new', '--passphrase-file', `${datadir}/no-such-file`);
  t.equal(missing.code, 2);
  t.match(missing.err, /cannot read it \(ENOENT\)/);
  t.notOk(existsSync(walletPath(datadir)), 'nothing was written');
});

test('new on a terminal asks twice; two different answers write nothing', async (t) => {
  const { datadir, wallet } = await setup(t);
  const differ = await wallet(typing('one', 'two'), 'new');
  t.equal(differ.code, 2);
  t.match(differ.err, /the two passphrases differ/);
  t.notOk(existsSync(walletPath(datadir)));
  await saveWallet(walletPath(datadir), emptyWallet(REGTEST), {
    passphrase: PASSPHRASE,
    cost: { n: 1024, r: 8, p: 1 },
  });
  const prompt = typing(PASSPHRASE);
  const added = await wallet(prompt, 'new', '--label', 'cold');
  t.equal(added.code, 0, added.err);
  t.same(prompt.questions.length, 1, 'an existing wallet: its passphrase, once');
  const opened = await unlockWallet(walletPath(datadir), REGTEST, PASSPHRASE);
  t.same(
    opened.keys.map((k) => k.address),
    added.out,
  );
});

test('a plaintext wallet keeps working with a warning each time, until `wallet encrypt` keeps every key', async (t) => {
  const { datadir, stub, wallet, pass } = await setup(t);
  const path = walletPath(datadir);
  const keys: WalletKey[] = [FAUCET, ALICE, SAVINGS];
  await saveWallet(path, keys.reduce(addKey, emptyWallet(REGTEST)));
  for (const args of [['address'], ['send', BOB, '1']]) {
    const result = await wallet(NO_TTY, ...args);
    t.equal(result.code, 0, result.err);
    t.match(
      result.err,
      /warning: .*wallet\.json keeps 2 secret keys unencrypted: run `altostream wallet encrypt`/,
    );
  }
  t.equal(stub.posted.length, 1);

  const encrypted = await wallet(NO_TTY, 'encrypt', '--passphrase-file', pass);
  t.equal(encrypted.code, 0, encrypted.err);
  t.match(encrypted.err, /3 keys kept, labels and addresses unchanged; no plaintext copy was kept/);
  t.equal(statSync(path).mode & 0o777, 0o600);
  t.same(
    (await unlockWallet(path, REGTEST, PASSPHRASE)).keys.map((k) => [
      k.label,
      Buffer.from(k.seed).toString('hex'),
      k.address,
    ]),
    keys.map((k) => [k.label, Buffer.from(k.seed).toString('hex'), k.address]),
    'labels, seeds and addresses kept',
  );
  const text = readFileSync(path, 'utf8');
  for (const key of [ALICE, SAVINGS])
    t.notOk(text.includes(Buffer.from(key.seed).toString('hex')), key.label);
  const after = await wallet(NO_TTY, 'address');
  t.equal(after.err, '', 'no more warning');
  const again = await wallet(NO_TTY, 'encrypt', '--passphrase-file', pass);
  t.equal(again.code, 1);
  t.match(again.err, /already encrypted/);
});

test('a faucet-only plaintext wallet holds no secret: no warning', async (t) => {
  const { datadir, wallet } = await setup(t);
  await saveWallet(walletPath(datadir), addKey(emptyWallet(REGTEST), FAUCET));
  t.equal((await wallet(NO_TTY, 'address')).err, '');
});

test('unlock: the agent signs the same transaction bytes as the passphrase; lock ends it', async (t) => {
  const { datadir, stub, wallet, pass } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [ALICE]);
  t.teardown(() => wallet(NO_TTY, 'lock'));
  const viaPassphrase = await wallet(NO_TTY, 'send', BOB, '2', '--passphrase-file', pass);
  t.equal(viaPassphrase.code, 0, viaPassphrase.err);

  const unlocked = await wallet(NO_TTY, 'unlock', '--timeout', '120', '--passphrase-file', pass);
  t.equal(unlocked.code, 0, unlocked.err);
  t.match(unlocked.err, /unlocked .* for 120 s \(agent pid \d+ on .*wallet-agent\.sock\)/);
  t.equal(statSync(agentSocketPath(datadir)).mode & 0o777, 0o600, 'the socket is 0600');
  t.same((await agentStatus(datadir))?.labels, ['default'], 'it holds the secret keys');

  const viaAgent = await wallet(NO_TTY, 'send', BOB, '2');
  t.equal(viaAgent.code, 0, viaAgent.err);
  t.equal(stub.posted.length, 2);
  t.equal(stub.posted[1], stub.posted[0], 'byte for byte the same signed transaction');

  const locked = await wallet(NO_TTY, 'lock');
  t.equal(locked.code, 0);
  t.match(locked.err, /^locked /);
  t.equal(await agentStatus(datadir), undefined);
  t.notOk(existsSync(agentSocketPath(datadir)), 'the socket is gone');
  const after = await wallet(NO_TTY, 'send', BOB, '2');
  t.equal(after.code, 3, 'locked again: the passphrase is needed');
  t.equal((await wallet(NO_TTY, 'lock')).err.includes('was not unlocked'), true);
});

test('unlock expires: after --timeout the agent is gone and the commands need the passphrase again', async (t) => {
  const { datadir, wallet, pass } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [ALICE]);
  t.teardown(() => wallet(NO_TTY, 'lock'));
  const unlocked = await wallet(NO_TTY, 'unlock', '--timeout', '1', '--passphrase-file', pass);
  t.equal(unlocked.code, 0, unlocked.err);
  t.not(await agentStatus(datadir), undefined, 'running at first');
  const deadline = Date.now() + 20_000;
  while ((await agentStatus(datadir)) !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.equal(await agentStatus(datadir), undefined, 'gone after its timeout');
  t.notOk(existsSync(agentSocketPath(datadir)), 'and its socket with it');
  t.equal((await wallet(NO_TTY, 'send', BOB, '1')).code, 3);
});

test('unlock --timeout takes 1 to 86400 whole seconds; a plaintext wallet has nothing to unlock', async (t) => {
  const { datadir, wallet, pass } = await setup(t);
  await encryptedWallet(datadir, REGTEST, [ALICE]);
  for (const bad of ['0', '86401', '1.5', 'soon']) {
    const result = await wallet(NO_TTY, 'unlock', '--timeout', bad, '--passphrase-file', pass);
    t.equal(result.code, 2, bad);
    t.match(result.err, /--timeout takes whole seconds from 1 to 86400/);
  }
  const plain = ownTempDir(t);
  await saveWallet(walletPath(plain), addKey(emptyWallet(REGTEST), ALICE));
  const c = captureIo();
  t.equal(
    await walletCommand(['unlock', '--datadir', plain, '--passphrase-file', pass], c.io, undefined, NO_TTY),
    1,
  );
  t.match(c.err.join('\n'), /is not encrypted, so there is nothing to unlock/);
  t.equal((await loadWallet(walletPath(datadir), REGTEST)).version, 2);
});
