import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { MAINNET, REGTEST, TESTNET } from '../../src/protocol/params.js';
import {
  addKey,
  createKey,
  emptyWallet,
  ensureDevnetWallet,
  faucetKey,
  findKey,
  keyFromSeed,
  loadWallet,
  saveWallet,
  walletPath,
} from '../../src/wallet/keystore.js';
import { seededRandom } from '../helpers/random.js';
import { ownTempDir } from '../helpers/test-owner.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const mode = (path: string): number => statSync(path).mode & 0o777;

test('a saved wallet loads back with the same labels, seeds and addresses', async (t) => {
  const path = walletPath(ownTempDir(t));
  const random = seededRandom(1);
  let wallet = addKey(emptyWallet(REGTEST), createKey('default', REGTEST, random));
  wallet = addKey(wallet, createKey('alice', REGTEST, random));
  await saveWallet(path, wallet);
  const loaded = await loadWallet(path, REGTEST);
  t.same(
    loaded.keys.map((k) => [k.label, hex(k.seed), k.address]),
    wallet.keys.map((k) => [k.label, hex(k.seed), k.address]),
  );
  t.equal(loaded.network, 'regtest');
  t.match(wallet.keys[0]!.address, /^ralto1/);
  const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; keys: { seed: string }[] };
  t.equal(file.version, 1);
  t.match(file.keys[0]!.seed, /^[0-9a-f]{64}$/, 'seeds are stored as hex');
});

test('the wallet file is 0600 in a 0700 directory it creates, and no .tmp is left behind', async (t) => {
  const dir = join(ownTempDir(t), 'fresh', 'regtest');
  const path = walletPath(dir);
  await saveWallet(path, addKey(emptyWallet(REGTEST), createKey('default', REGTEST)));
  t.equal(mode(path), 0o600);
  t.equal(mode(dir), 0o700);
  t.same(readdirSync(dir), ['wallet.json']);
});

test('a leftover world-readable .tmp from a crashed save does not loosen the new file', async (t) => {
  const dir = ownTempDir(t);
  const path = walletPath(dir);
  writeFileSync(`${path}.tmp`, 'half a wallet', { mode: 0o644 });
  await saveWallet(path, addKey(emptyWallet(REGTEST), createKey('default', REGTEST)));
  t.equal(mode(path), 0o600);
  t.notOk(existsSync(`${path}.tmp`));
  t.equal((await loadWallet(path, REGTEST)).keys.length, 1);
});

test('wallet-wrong-network: a regtest wallet is refused when testnet is asked for', async (t) => {
  const path = walletPath(ownTempDir(t));
  await saveWallet(path, addKey(emptyWallet(REGTEST), createKey('default', REGTEST)));
  await t.rejects(loadWallet(path, TESTNET), { code: 'wallet-wrong-network', message: /--network regtest/ });
});

test('wallet-missing: the message says to run `altostream wallet new`', async (t) => {
  const path = walletPath(ownTempDir(t));
  await t.rejects(loadWallet(path, REGTEST), { code: 'wallet-missing', message: /altostream wallet new/ });
});

test('a broken wallet file fails with the code of what is wrong', async (t) => {
  const dir = ownTempDir(t);
  const good = keyFromSeed('default', new Uint8Array(32).fill(7), REGTEST);
  const entry = { label: 'default', seed: hex(good.seed), address: good.address };
  const cases: [string, string, unknown][] = [
    ['wallet-bad-json', 'not json', undefined],
    ['wallet-bad-format', '', []],
    ['wallet-bad-format', '', { version: 2, network: 'regtest', keys: [] }],
    ['wallet-bad-format', '', { version: 1, network: 'devnet', keys: [] }],
    ['wallet-bad-format', '', { version: 1, network: 'regtest' }],
    ['wallet-bad-format', '', { version: 1, network: 'regtest', keys: [{ ...entry, label: 'a b' }] }],
    ['wallet-bad-seed', '', { version: 1, network: 'regtest', keys: [{ ...entry, seed: 'ab' }] }],
    ['wallet-bad-seed', '', { version: 1, network: 'regtest', keys: [{ ...entry, seed: 'zz'.repeat(32) }] }],
    [
      'wallet-address-mismatch',
      '',
      {
        version: 1,
        network: 'regtest',
        keys: [{ ...entry, address: encodeAddress('ralto', new Uint8Array(20)) }],
      },
    ],
    ['duplicate-key', '', { version: 1, network: 'regtest', keys: [entry, { ...entry, label: 'again' }] }],
  ];
  for (const [i, [code, text, json]] of cases.entries()) {
    const path = join(dir, `wallet-${i}.json`);
    writeFileSync(path, json === undefined ? text : JSON.stringify(json));
    await t.rejects(loadWallet(path, REGTEST), { name: 'WalletError', code }, code);
  }
});

test('bad-label: labels are 1–32 characters of [A-Za-z0-9._-], so none looks like an address', async (t) => {
  for (const label of ['', ' x', 'a b', '-x', 'x'.repeat(33), 'ünï']) {
    t.throws(() => createKey(label, REGTEST), { code: 'bad-label' }, JSON.stringify(label));
  }
  t.doesNotThrow(() => createKey('Alice_2.old-key', REGTEST));
});

test('duplicate-key: a label or an address is held once', async (t) => {
  const key = createKey('default', REGTEST, seededRandom(2));
  const wallet = addKey(emptyWallet(REGTEST), key);
  t.throws(() => addKey(wallet, createKey('default', REGTEST)), { code: 'duplicate-key' });
  t.throws(() => addKey(wallet, keyFromSeed('other', key.seed, REGTEST)), { code: 'duplicate-key' });
  t.equal(findKey(wallet, key.address), key, 'found by address');
  t.equal(findKey(wallet, 'default'), key, 'found by label');
  t.equal(findKey(wallet, 'nobody'), undefined);
});

test('the faucet key of §1.3: regtest account e2bf0e08…, testnet 1c789d75…, none on mainnet', async (t) => {
  const account = (hexText: string): Uint8Array => Uint8Array.from(Buffer.from(hexText, 'hex'));
  t.equal(
    faucetKey(REGTEST)?.address,
    encodeAddress('ralto', account('e2bf0e089ca918dd0becba667fb6831b439a6dcc')),
  );
  t.equal(
    faucetKey(TESTNET)?.address,
    encodeAddress('talto', account('1c789d754d725dc50f2bed414ef6d1fe805e77a4')),
  );
  t.equal(faucetKey(REGTEST)?.label, 'faucet');
  t.equal(faucetKey(MAINNET), undefined);
});

test('ensureDevnetWallet creates the faucet and a default key once, then only loads', async (t) => {
  const dir = ownTempDir(t);
  const first = await ensureDevnetWallet(dir, REGTEST, seededRandom(3));
  t.same(
    first.keys.map((k) => k.label),
    ['faucet', 'default'],
  );
  t.equal(first.keys[0]!.address, faucetKey(REGTEST)!.address);
  t.equal(mode(walletPath(dir)), 0o600);
  const before = readFileSync(walletPath(dir), 'utf8');
  const again = await ensureDevnetWallet(dir, REGTEST, seededRandom(4));
  t.same(
    again.keys.map((k) => k.address),
    first.keys.map((k) => k.address),
    'the same keys, no new default',
  );
  t.equal(readFileSync(walletPath(dir), 'utf8'), before, 'the file is untouched');
});

test('ensureDevnetWallet adds the missing faucet and default keys to an existing wallet', async (t) => {
  const dir = ownTempDir(t);
  const alice = createKey('alice', REGTEST, seededRandom(5));
  await saveWallet(walletPath(dir), addKey(emptyWallet(REGTEST), alice));
  const wallet = await ensureDevnetWallet(dir, REGTEST);
  t.same(
    wallet.keys.map((k) => k.label),
    ['alice', 'faucet', 'default'],
  );
  t.same(
    (await loadWallet(walletPath(dir), REGTEST)).keys.map((k) => k.label),
    ['alice', 'faucet', 'default'],
    'and saves them',
  );
});

test('ensureDevnetWallet refuses a wallet of another network', async (t) => {
  const dir = ownTempDir(t);
  await saveWallet(walletPath(dir), addKey(emptyWallet(TESTNET), createKey('default', TESTNET)));
  await t.rejects(ensureDevnetWallet(dir, REGTEST), { code: 'wallet-wrong-network' });
});

test('reserved-label: a devnet wallet holding another key labelled faucet is refused, naming the file', async (t) => {
  // Such a wallet was written by `wallet new --label faucet` before the label was reserved.
  const dir = ownTempDir(t);
  const impostor = createKey('faucet', REGTEST, seededRandom(6));
  await saveWallet(walletPath(dir), addKey(emptyWallet(REGTEST), impostor));
  await t.rejects(ensureDevnetWallet(dir, REGTEST), {
    code: 'reserved-label',
    message: new RegExp(`${walletPath(dir)}: the key labelled 'faucet' is not the regtest faucet key`),
  });
});

test('a key the user labelled default is the devnet payout: default is not reserved', async (t) => {
  const dir = ownTempDir(t);
  const mine = createKey('default', REGTEST, seededRandom(7));
  await saveWallet(walletPath(dir), addKey(emptyWallet(REGTEST), mine));
  const wallet = await ensureDevnetWallet(dir, REGTEST);
  t.same(
    wallet.keys.map((k) => k.label),
    ['default', 'faucet'],
  );
  t.equal(findKey(wallet, 'default')?.address, mine.address);
});
