import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { captureIo } from '../helpers/io.js';
import { walletCommand } from '../../src/cli/wallet-command.js';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { decodeAddress, encodeAddress } from '../../src/protocol/address.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST, TESTNET } from '../../src/protocol/params.js';
import { decodeTx, txEncodedLength, txId, type Tx } from '../../src/protocol/tx.js';
import {
  addKey,
  createKey,
  emptyWallet,
  faucetKey,
  saveWallet,
  walletPath,
  type WalletKey,
} from '../../src/wallet/keystore.js';
import { seededRandom } from '../helpers/random.js';
import { TEST_SCRYPT } from '../wallet/test-kdf.js';
import { deadUrl, STUB_BLOCK, StubNode, type StubAccount } from '../helpers/stub-node.js';
import { ownTempDir, type TestOwner } from '../helpers/test-owner.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const BOB = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0xb0));
const FAUCET = faucetKey(REGTEST)!;
const RICH: StubAccount = {
  balance: parseAlto('1000'),
  nonce: 5n,
  nextNonce: 7n,
  unmatured: parseAlto('2.5'),
};

const capture = captureIo;

/**
 * A datadir whose wallet holds `keys`, and a stub node; `wallet(...)` runs the command against both
 * (its --datadir and --api come first, so a test's own flags win).
 */
async function setup(t: TestOwner, keys: readonly WalletKey[] = [FAUCET]) {
  const datadir = ownTempDir(t);
  await saveWallet(walletPath(datadir), keys.reduce(addKey, emptyWallet(REGTEST)));
  const stub = await StubNode.start(t);
  const wallet = async (...args: string[]) => {
    const c = capture();
    const code = await walletCommand(['--datadir', datadir, '--api', stub.url, ...args], c.io, {
      pollMs: 1,
      timeoutMs: 2000,
    });
    return { code, out: c.out, err: c.err.join('\n') };
  };
  return { datadir, stub, wallet };
}

function postedTx(stub: StubNode, index = 0): Tx {
  return decodeTx(Buffer.from(stub.posted[index] ?? '', 'hex'));
}

test('send posts a transfer signed by the paying key, with nonce = nextNonce and the default fee', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.status = { ...stub.status, mempool: { count: 0, bytes: 0, minFeeRate: '200000000000' } };
  const result = await wallet('send', BOB, '1.5', '--memo', 'thanks');
  t.equal(result.code, 0, result.err);
  t.equal(stub.posted.length, 1);
  const tx = postedTx(stub);
  t.doesNotThrow(() => {
    checkTxSanity(tx, REGTEST);
  }, 'consensus accepts the signature');
  t.same(tx.sender, getPublicKey(FAUCET.seed));
  t.equal(tx.nonce, 7n, 'nextNonce, not nonce');
  t.equal(tx.fee, 200_000_000_000n * BigInt(txEncodedLength(tx)), "the node's min fee rate × size");
  t.match(tx.payload, { type: 1, amount: parseAlto('1.5'), memo: new TextEncoder().encode('thanks') });
  t.same(tx.payload.type === 1 ? tx.payload.to : undefined, decodeAddress(REGTEST.hrp, BOB));
  t.same(result.out, [hex(txId(tx))], 'prints the txid');
  t.same(stub.requests.slice(0, 2), ['GET /status', `GET /accounts/${FAUCET.address}`]);
});

test('send pays from the first key whose balance covers amount + fee; --fee and --from choose', async (t) => {
  const random = seededRandom(11);
  const poor = createKey('poor', REGTEST, random);
  const small = createKey('small', REGTEST, random);
  const rich = createKey('rich', REGTEST, random);
  const { stub, wallet } = await setup(t, [poor, small, rich]);
  stub.accounts.set(small.address, { ...RICH, balance: parseAlto('1') }); // poor has no account: 404
  stub.accounts.set(rich.address, RICH);

  t.equal((await wallet('send', BOB, '1')).code, 0, 'small holds 1 ALTO but not the fee');
  t.same(postedTx(stub, 0).sender, getPublicKey(rich.seed));

  t.equal((await wallet('send', BOB, '0.5', '--fee', '0.5')).code, 0, 'small covers 0.5 + 0.5');
  t.same(postedTx(stub, 1).sender, getPublicKey(small.seed));
  t.equal(postedTx(stub, 1).fee, parseAlto('0.5'));

  t.equal((await wallet('send', BOB, '0.1', '--from', rich.address)).code, 0, '--from an address');
  t.same(postedTx(stub, 2).sender, getPublicKey(rich.seed));

  const short = await wallet('send', BOB, '1', '--from', 'small');
  t.equal(short.code, 1, '--from a key that cannot pay');
  t.match(short.err, /insufficient funds[\s\S]*small/);

  const none = await wallet('send', BOB, '5000');
  t.equal(none.code, 1);
  t.match(none.err, /insufficient funds: sending needs 5000\.\d+ ALTO/);
  t.equal(stub.posted.length, 3, 'nothing posted when no key can pay');
});

test('bad send arguments exit 2 naming the argument, before any request', async (t) => {
  const { stub, wallet } = await setup(t);
  const cases: [string[], RegExp][] = [
    [
      ['send', 'ralto1nonsense', '1'],
      /<to-address> takes a regtest address \(ralto1…\), got 'ralto1nonsense'/,
    ],
    [['send', encodeAddress(TESTNET.hrp, new Uint8Array(20)), '1'], /<to-address> takes a regtest address/],
    [['send', BOB, 'abc'], /<amount-ALTO> takes an amount of ALTO such as 1\.5/],
    [['send', BOB, '0'], /<amount-ALTO> must be more than 0 ALTO/],
    [['send', BOB, '1e3'], /<amount-ALTO>/],
    [['send', BOB, '0.0000000000000000001'], /<amount-ALTO> takes an amount of ALTO[\s\S]*18 decimals/],
    [['send', BOB, '1', '--fee', 'cheap'], /--fee takes an amount of ALTO/],
    [['send', BOB, '1', '--memo', 'x'.repeat(257)], /--memo takes at most 256 bytes/],
    [['send', BOB, '1', '--from', 'nobody'], /--from takes a key label or address[\s\S]*'nobody'/],
    [['send', BOB], /'send' takes <to-address> <amount-ALTO>, got/],
    [['send', BOB, '1', 'extra'], /'send' takes <to-address> <amount-ALTO>/],
    [['send', BOB, '1', '--label', 'x'], /'send' takes no --label/],
    [['send', BOB, '1', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['send', BOB, '1', '--network', 'moonnet'], /--network takes mainnet, testnet or regtest/],
    [['send', BOB, '1', '--api', 'ftp://x'], /--api takes an http:\/\/ or https:\/\/ URL/],
    [['address', '--wait'], /'address' takes no --wait/],
    [['tx', 'abc'], /<txid> takes a txid of 64 hex digits/],
    [['balance', 'nobody'], /\[address\|label\] takes a ralto1… address or a key label/],
  ];
  for (const [args, message] of cases) {
    const result = await wallet(...args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.err, message, args.join(' '));
    t.same(result.out, [], 'nothing on stdout');
  }
  t.same(stub.requests, [], 'no request reached the node');
});

test('wallet without or with an unknown subcommand exits 2 with the usage; --help exits 0', async (t) => {
  for (const args of [[], ['mint'], ['constructor']]) {
    const c = capture();
    t.equal(await walletCommand(args, c.io), 2);
    t.match(c.err.join('\n'), /Usage: altostream wallet/);
  }
  const c = capture();
  t.equal(await walletCommand(['send', '--help'], c.io), 0);
  t.match(c.out.join('\n'), /--wait/);
});

test('an unreachable node: exit 1, saying where it looked and what to run', async (t) => {
  const { datadir } = await setup(t);
  const url = await deadUrl();
  for (const args of [['send', BOB, '1'], ['balance'], ['tx', 'ab'.repeat(32)]]) {
    const c = capture();
    t.equal(await walletCommand([...args, '--datadir', datadir, '--api', url], c.io), 1, args.join(' '));
    t.equal(c.err.join('\n'), `cannot reach the node at ${url}: is \`altostream node\` running?`);
  }
});

test('a rejected tx: exit 1 printing the rule code and message', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.reject = { status: 400, code: 'bad-nonce', message: 'expected 8, got 7' };
  const result = await wallet('send', BOB, '1');
  t.equal(result.code, 1);
  t.equal(result.err, 'rejected: bad-nonce: expected 8, got 7');
  t.same(result.out, []);
});

test('a node of another network is refused before signing', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.status = { ...stub.status, network: 'testnet' };
  const result = await wallet('send', BOB, '1');
  t.equal(result.code, 1);
  t.match(result.err, /runs testnet, not regtest/);
  t.same(stub.posted, []);
});

test('send --wait prints the txid, then the block once the node reports it confirmed', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.pendingPolls = 2;
  const result = await wallet('send', BOB, '1', '--wait');
  t.equal(result.code, 0, result.err);
  const id = hex(txId(postedTx(stub)));
  t.same(result.out, [
    id,
    `confirmed in block ${STUB_BLOCK.id} (key height 12, microblock 3), 1 confirmation`,
  ]);
  t.equal(
    stub.requests.filter((r) => r === `GET /txs/${id}`).length,
    3,
    'two pending answers, then confirmed',
  );
});

test('send --wait --json prints one object with the block', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  const result = await wallet('send', BOB, '2', '--wait', '--json');
  t.equal(result.code, 0, result.err);
  t.equal(result.out.length, 1);
  const tx = postedTx(stub);
  t.same(JSON.parse(result.out[0]!), {
    id: hex(txId(tx)),
    from: FAUCET.address,
    to: BOB,
    amount: parseAlto('2').toString(),
    fee: tx.fee.toString(),
    nonce: '7',
    status: 'confirmed',
    block: STUB_BLOCK,
    confirmations: 1,
  });
});

test('send --wait gives up with exit 1 when the tx stays pending, or leaves the mempool', async (t) => {
  const { stub, datadir } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.pendingPolls = Number.MAX_SAFE_INTEGER;
  const c = capture();
  const args = ['send', BOB, '1', '--wait', '--datadir', datadir, '--api', stub.url];
  t.equal(await walletCommand(args, c.io, { pollMs: 1, timeoutMs: 20 }), 1);
  t.match(
    c.err.join('\n'),
    /is not in a block after 0\.02 s; check later with `altostream wallet tx [0-9a-f]{64}`/,
  );
  t.equal(c.out.length, 1, 'the txid was printed first');

  stub.forgetTxs = true;
  const d = capture();
  t.equal(await walletCommand(args, d.io, { pollMs: 1, timeoutMs: 2000 }), 1);
  t.match(d.err.join('\n'), /no longer knows/);
});

test('send without a wallet: exit 1, telling the user to run `altostream wallet new`', async (t) => {
  const datadir = ownTempDir(t);
  const stub = await StubNode.start(t);
  const c = capture();
  t.equal(await walletCommand(['send', BOB, '1', '--datadir', datadir, '--api', stub.url], c.io), 1);
  t.match(c.err.join('\n'), /no wallet at .*wallet\.json: create one with `altostream wallet new`/);
  t.same(stub.requests, []);
});

test('new creates a 0600 wallet and prints the address; address lists label and address', async (t) => {
  const datadir = ownTempDir(t);
  const passFile = join(ownTempDir(t), 'pass');
  writeFileSync(passFile, 'correct horse\n');
  // An empty wallet sealed at a test-friendly cost: `new` keeps the file's cost (decision 236).
  await saveWallet(walletPath(datadir), emptyWallet(REGTEST), {
    passphrase: 'correct horse',
    cost: TEST_SCRYPT,
  });
  const run = async (...args: string[]) => {
    const c = capture();
    const pass = args[0] === 'new' ? ['--passphrase-file', passFile] : [];
    const code = await walletCommand([...args, ...pass, '--datadir', datadir], c.io);
    return { code, out: c.out, err: c.err.join('\n') };
  };
  const first = await run('new');
  t.equal(first.code, 0, first.err);
  t.match(first.out, [/^ralto1[0-9a-z]+$/]);
  t.equal(statSync(walletPath(datadir)).mode & 0o777, 0o600);
  const second = await run('new', '--label', 'savings');
  t.equal(second.code, 0);
  const third = await run('new');
  t.equal(third.code, 0);
  t.same((await run('address')).out, [
    `default  ${first.out[0]!}`,
    `savings  ${second.out[0]!}`,
    `key-2    ${third.out[0]!}`,
  ]);
  const taken = await run('new', '--label', 'savings');
  t.equal(taken.code, 2);
  t.match(taken.err, /--label 'savings' is taken/);
  const bad = await run('new', '--label', 'my savings');
  t.equal(bad.code, 2);
  t.match(bad.err, /a key label \(--label\) is 1 to 32/);
  t.equal(
    (JSON.parse(readFileSync(walletPath(datadir), 'utf8')) as { keys: unknown[] }).keys.length,
    3,
    'failed attempts add nothing',
  );
});

test("reserved-label: new --label faucet exits 2, the label being the network faucet key's (§1.3)", async (t) => {
  const datadir = ownTempDir(t);
  const c = capture();
  t.equal(await walletCommand(['new', '--label', 'faucet', '--datadir', datadir], c.io), 2);
  t.match(c.err.join('\n'), /--label 'faucet' is reserved for the network's public faucet key/);
  t.same(c.out, []);
  t.notOk(existsSync(walletPath(datadir)), 'no wallet was written');
});

test('wallet-wrong-network: a regtest wallet used with --network testnet exits 1', async (t) => {
  const { datadir } = await setup(t);
  const c = capture();
  t.equal(await walletCommand(['address', '--network', 'testnet', '--datadir', datadir], c.io), 1);
  t.match(c.err.join('\n'), /holds regtest keys, not testnet keys/);
});

test('balance prints each key, or the one named, in ALTO; an unknown account holds 0', async (t) => {
  const other = createKey('other', REGTEST, seededRandom(12));
  const { stub, wallet } = await setup(t, [FAUCET, other]);
  stub.accounts.set(FAUCET.address, RICH);
  t.same((await wallet('balance')).out, [
    `${FAUCET.address}  1000 ALTO  (unmatured 2.5 ALTO)`,
    `${other.address}  0 ALTO  (unmatured 0 ALTO)`,
  ]);
  t.same((await wallet('balance', 'faucet')).out, [`${FAUCET.address}  1000 ALTO  (unmatured 2.5 ALTO)`]);
  t.same((await wallet('balance', BOB)).out, [`${BOB}  0 ALTO  (unmatured 0 ALTO)`], 'any address');
});

test('tx prints pending or the block; an unknown tx exits 1', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.pendingPolls = 1;
  const sent = await wallet('send', BOB, '1');
  const id = sent.out[0]!;
  t.same((await wallet('tx', id)).out, ['pending']);
  t.same((await wallet('tx', id.toUpperCase())).out, [
    `confirmed in block ${STUB_BLOCK.id} (key height 12, microblock 3), 1 confirmation`,
  ]);
  t.same(JSON.parse((await wallet('tx', id, '--json')).out[0]!), {
    id,
    status: 'confirmed',
    block: STUB_BLOCK,
    confirmations: 1,
  });
  const unknown = await wallet('tx', 'cd'.repeat(32));
  t.equal(unknown.code, 1);
  t.match(unknown.err, /does not know tx cdcd/);
});

test('a node answering 500 or junk: exit 1 with the status and code', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.reject = { status: 503, code: 'shutting-down', message: 'try again later' };
  const failed = await wallet('send', BOB, '1');
  t.equal(failed.code, 1);
  t.equal(failed.err, 'the node answered HTTP 503: shutting-down: try again later', 'a 5xx is no rejection');
  stub.status = { ...stub.status, chainId: 7 };
  const junk = await wallet('send', BOB, '1');
  t.equal(junk.code, 1);
  t.match(junk.err, /the node answered HTTP 200: bad-response: GET \/status: \/chainId must be string/);
});
