import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { test } from 'tap';
import { devnetPayout, validatorSeed } from '../../src/node/config.js';
import { REGTEST } from '../../src/protocol/params.js';
import {
  addKey,
  createKey,
  emptyWallet,
  ensureDevnetWallet,
  faucetKey,
  loadWallet,
  readSeed,
  saveWallet,
  unlockWallet,
  walletPath,
} from '../../src/wallet/keystore.js';
import { DEFAULT_SCRYPT, MAX_SCRYPT_MEMORY } from '../../src/wallet/keystore-crypto.js';
import { seededRandom } from '../helpers/random.js';
import { ownTempDir } from '../helpers/test-owner.js';
import { encryptedWallet, PASSPHRASE, TEST_SCRYPT } from './test-kdf.js';

const FAUCET = faucetKey(REGTEST)!;
const random = seededRandom(235);
const ALICE = createKey('default', REGTEST, random);
const BOB = createKey('savings', REGTEST, random);

interface FileJson {
  version: number;
  keys: { label: string; address: string; publicKey: string; public?: boolean }[];
  crypto: {
    kdfparams: { n: number; r: number; p: number; salt: string };
    nonce: string;
    ciphertext: string;
    tag: string;
  };
}
const readJson = (path: string): FileJson => JSON.parse(readFileSync(path, 'utf8')) as FileJson;

test('an encrypted wallet opens with its passphrase: every label, seed and address comes back', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [FAUCET, ALICE, BOB]);
  const opened = await unlockWallet(path, REGTEST, PASSPHRASE);
  t.same(
    opened.keys.map((k) => [k.label, Buffer.from(k.seed).toString('hex'), k.address]),
    [FAUCET, ALICE, BOB].map((k) => [k.label, Buffer.from(k.seed).toString('hex'), k.address]),
  );
  t.equal(statSync(path).mode & 0o777, 0o600);
  const file = readJson(path);
  t.equal(file.version, 2);
  t.same(file.crypto.kdfparams, { ...TEST_SCRYPT, salt: file.crypto.kdfparams.salt }, 'the cost is stored');
  t.equal(file.crypto.ciphertext.length, 2 * 64, 'two secret seeds sealed; the faucet is not');
});

test('wallet-bad-passphrase: a wrong passphrase is rejected with its code', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [ALICE]);
  await t.rejects(unlockWallet(path, REGTEST, 'Correct horse battery staple'), {
    name: 'WalletError',
    code: 'wallet-bad-passphrase',
    message: /wrong passphrase, or the file was altered/,
  });
});

test('no plaintext key: no seed appears in the file as raw bytes, hex or base64', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [FAUCET, ALICE, BOB]);
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  for (const key of [ALICE, BOB]) {
    const seed = Buffer.from(key.seed);
    t.equal(bytes.indexOf(seed), -1, `${key.label}: raw bytes`);
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      const encoded = seed.toString(encoding);
      t.notOk(text.toLowerCase().includes(encoded.toLowerCase()), `${key.label}: ${encoding}`);
      t.notOk(text.includes(encoded.slice(0, 40)), `${key.label}: ${encoding} prefix`);
    }
  }
});

test('the public faucet key stays readable without the passphrase, marked public', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [FAUCET, ALICE]);
  const wallet = await loadWallet(path, REGTEST);
  const [faucet, alice] = wallet.keys;
  t.same(faucet?.seed, FAUCET.seed, 'the faucet seed, derived from §1.3');
  t.equal(alice?.address, ALICE.address, 'addresses are clear');
  t.same(alice?.publicKey, ALICE.publicKey, 'public keys are clear');
  t.equal(alice?.locked, true);
  t.throws(() => alice?.seed, {
    code: 'wallet-locked',
    message: /is encrypted: the seed of its key 'default' needs the wallet's passphrase/,
  });
  t.same(
    readJson(path).keys.map((k) => k.public === true),
    [true, false],
  );
});

test('tampering is detected: a flipped ciphertext bit, a swapped key or label, a doctored address', async (t) => {
  const dir = ownTempDir(t);
  const path = await encryptedWallet(dir, REGTEST, [FAUCET, ALICE, BOB]);
  const original = readJson(path);
  const tamper = async (what: string, edit: (f: FileJson) => void, code: string) => {
    const copy = structuredClone(original);
    edit(copy);
    writeFileSync(path, JSON.stringify(copy));
    await t.rejects(unlockWallet(path, REGTEST, PASSPHRASE), { code }, what);
  };
  const flip = (hex: string, at: number) =>
    hex.slice(0, at) + (parseInt(hex[at]!, 16) ^ 1).toString(16) + hex.slice(at + 1);
  await tamper(
    'ciphertext',
    (f) => (f.crypto.ciphertext = flip(f.crypto.ciphertext, 7)),
    'wallet-bad-passphrase',
  );
  await tamper('tag', (f) => (f.crypto.tag = flip(f.crypto.tag, 0)), 'wallet-bad-passphrase');
  await tamper('nonce', (f) => (f.crypto.nonce = flip(f.crypto.nonce, 3)), 'wallet-bad-passphrase');
  await tamper(
    'salt',
    (f) => (f.crypto.kdfparams.salt = flip(f.crypto.kdfparams.salt, 3)),
    'wallet-bad-passphrase',
  );
  // Clear-text parts, each still consistent on its own, so only the tag can tell.
  await tamper(
    'labels swapped',
    (f) => {
      [f.keys[1]!.label, f.keys[2]!.label] = [f.keys[2]!.label, f.keys[1]!.label];
    },
    'wallet-bad-passphrase',
  );
  const mallory = createKey('default', REGTEST, seededRandom(666));
  await tamper(
    "another key's address and public key",
    (f) => {
      f.keys[1] = {
        ...f.keys[1]!,
        address: mallory.address,
        publicKey: Buffer.from(mallory.publicKey).toString('hex'),
      };
    },
    'wallet-bad-passphrase',
  );
  // A flipped character in an address no longer matches its public key: caught even without the passphrase.
  const edited = structuredClone(original);
  edited.keys[1]!.address = flip(edited.keys[1]!.address, edited.keys[1]!.address.length - 3);
  writeFileSync(path, JSON.stringify(edited));
  await t.rejects(loadWallet(path, REGTEST), { code: 'wallet-address-mismatch' });
  // A key marked public that is not the faucet, or a seed in the clear, is refused outright.
  await tamper('public mark', (f) => (f.keys[1]!.public = true), 'wallet-bad-format');
  await tamper(
    'clear seed',
    (f) => Object.assign(f.keys[1]!, { seed: '00'.repeat(32) }),
    'wallet-bad-format',
  );
});

test('wallet-bad-format: a stored scrypt cost beyond the bounds is refused before scrypt runs', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [ALICE]);
  const file = readJson(path);
  for (const [n, r, p] of [
    [2 ** 30, 8, 1],
    [1000, 8, 1],
    [MAX_SCRYPT_MEMORY / 1024, 8, 1],
    [1024, 64, 1],
  ] as const) {
    writeFileSync(
      path,
      JSON.stringify({
        ...file,
        crypto: { ...file.crypto, kdfparams: { ...file.crypto.kdfparams, n, r, p } },
      }),
    );
    await t.rejects(
      unlockWallet(path, REGTEST, PASSPHRASE),
      { code: 'wallet-bad-format', message: /scrypt/ },
      `n=${n} r=${r}`,
    );
  }
});

test('the default cost is stored in the file: N=2^17, r=8, p=1', async (t) => {
  const path = walletPath(ownTempDir(t));
  await saveWallet(path, addKey(emptyWallet(REGTEST), ALICE), { passphrase: PASSPHRASE });
  const { n, r, p } = readJson(path).crypto.kdfparams;
  t.same({ n, r, p }, DEFAULT_SCRYPT);
  t.same({ n, r, p }, { n: 131072, r: 8, p: 1 });
  t.same((await unlockWallet(path, REGTEST, PASSPHRASE)).keys[0]?.seed, ALICE.seed);
});

test('saving again keeps the cost but draws a fresh salt and nonce', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [ALICE]);
  const before = readJson(path).crypto;
  await saveWallet(path, await unlockWallet(path, REGTEST, PASSPHRASE), { passphrase: PASSPHRASE });
  const after = readJson(path).crypto;
  t.equal(after.kdfparams.n, TEST_SCRYPT.n);
  t.not(after.kdfparams.salt, before.kdfparams.salt);
  t.not(after.nonce, before.nonce);
});

test('wallet-locked: an encrypted wallet is never saved without its passphrase', async (t) => {
  const path = await encryptedWallet(ownTempDir(t), REGTEST, [ALICE]);
  await t.rejects(saveWallet(path, await loadWallet(path, REGTEST)), { code: 'wallet-locked' });
});

test('readSeed: the node gets one seed, from a plaintext wallet as is, from an encrypted one with the passphrase', async (t) => {
  const plainDir = ownTempDir(t);
  await saveWallet(walletPath(plainDir), addKey(emptyWallet(REGTEST), ALICE));
  t.same(await readSeed(plainDir, 'regtest', 'default'), ALICE.seed);
  const dir = ownTempDir(t);
  await encryptedWallet(dir, REGTEST, [ALICE, BOB]);
  t.same(await readSeed(dir, 'regtest', 'savings', PASSPHRASE), BOB.seed);
  t.equal(await readSeed(dir, 'regtest', 'nobody', PASSPHRASE), undefined);
  await t.rejects(readSeed(dir, 'regtest', 'savings'), { code: 'wallet-locked' });
  await t.rejects(readSeed(dir, 'regtest', 'savings', 'wrong'), { code: 'wallet-bad-passphrase' });
});

test('ensureDevnetWallet reads an encrypted wallet without its passphrase and never rewrites it', async (t) => {
  const dir = ownTempDir(t);
  const path = await encryptedWallet(dir, REGTEST, [ALICE]);
  const before = readFileSync(path, 'utf8');
  const wallet = await ensureDevnetWallet(dir, REGTEST);
  t.same(
    wallet.keys.map((k) => [k.label, k.address]),
    [
      ['default', ALICE.address],
      ['faucet', FAUCET.address],
    ],
    'the default key to pay, the faucet added in memory',
  );
  t.equal(readFileSync(path, 'utf8'), before);
  const other = ownTempDir(t);
  await encryptedWallet(other, REGTEST, [BOB]);
  await t.rejects(ensureDevnetWallet(other, REGTEST), {
    code: 'wallet-locked',
    message: /altostream wallet new --label default/,
  });
});

test("the node's devnetPayout reads an encrypted wallet's address; validatorSeed is wallet-locked without a passphrase", async (t) => {
  const dir = ownTempDir(t);
  await encryptedWallet(dir, REGTEST, [ALICE]);
  t.equal(await devnetPayout(dir, 'regtest'), ALICE.address);
  await t.rejects(validatorSeed(dir, 'regtest', 'default'), { name: 'WalletError', code: 'wallet-locked' });
  const plain = ownTempDir(t);
  await saveWallet(walletPath(plain), addKey(emptyWallet(REGTEST), ALICE));
  t.same(await validatorSeed(plain, 'regtest', 'default'), ALICE.seed, 'a plaintext wallet as before');
});
