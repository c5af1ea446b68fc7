// `altostream wallet stake|unstake` against a stub node: the tx each submits
// decodes to the Stake/Unstake payload asked for, signed so that consensus
// accepts it; bad flags exit 2 with a message before any request.
import { test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId } from '../../src/protocol/tx.js';
import { createKey, type WalletKey } from '../../src/wallet/keystore.js';
import type { TestOwner } from '../helpers/test-owner.js';
import {
  checkSigned,
  expectPosted,
  FAUCET,
  postedTx,
  STAKER,
  expectRefused,
  stubWallet,
  type StubWallet,
} from '../helpers/stub-wallet.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const SERVICE = createKey('service', REGTEST);

function setup(t: TestOwner, keys: readonly WalletKey[] = [STAKER, SERVICE]): Promise<StubWallet> {
  return stubWallet(t, keys);
}

const posted = postedTx;

test('stake --role validator|infrastructure and unstake post signed Stake/Unstake payloads and print the txid', async (t) => {
  const setUp = await setup(t);
  const cases: [string[], Record<string, unknown>][] = [
    [['stake', '12.5', '--role', 'validator'], { type: 6, role: 1, amount: parseAlto('12.5') }],
    [['stake', '3', '--role', 'infrastructure'], { type: 6, role: 3, amount: parseAlto('3') }],
    [['unstake', '2', '--role', 'validator'], { type: 7, role: 1, amount: parseAlto('2') }],
    [['unstake', '1', '--role', 'app'], { type: 7, role: 2, amount: parseAlto('1') }],
  ];
  await expectPosted(t, setUp, cases);
});

test('stake --role app names the app; --service-key takes hex or a wallet key label', async (t) => {
  const { stub, wallet } = await setup(t);
  const serviceKey = getPublicKey(SERVICE.seed);
  const byLabel = await wallet(
    'stake',
    '2',
    '--role',
    'app',
    '--app-name',
    'tunes ♪',
    '--service-key',
    'service',
  );
  t.equal(byLabel.code, 0, byLabel.err);
  const byHex = await wallet(
    'stake',
    '2',
    '--role',
    'app',
    '--app-name',
    'tunes',
    '--service-key',
    hex(serviceKey).toUpperCase(),
    '--json',
  );
  t.equal(byHex.code, 0, byHex.err);
  const a = posted(stub, 0);
  checkSigned(t, a);
  t.same(a.payload, { type: 6, role: 2, amount: parseAlto('2'), app: { name: 'tunes ♪', serviceKey } });
  const b = posted(stub, 1);
  t.same(b.payload, { type: 6, role: 2, amount: parseAlto('2'), app: { name: 'tunes', serviceKey } });
  t.match(JSON.parse(byHex.out[0] ?? '{}'), {
    id: hex(txId(b)),
    kind: 'stake',
    role: 'app',
    from: FAUCET.address,
    amount: parseAlto('2').toString(),
    status: 'pending',
  });
});

test('bad stake and unstake flags exit 2 with a message, before any request', async (t) => {
  const setUp = await setup(t);
  const cases: [string[], RegExp][] = [
    [['stake', '1'], /--role is required: validator, app or infrastructure/],
    [['stake', '1', '--role', 'miner'], /--role takes validator, app or infrastructure, got 'miner'/],
    [['stake', '0', '--role', 'validator'], /<amount-ALTO> must be more than 0 ALTO/],
    [['stake', 'x', '--role', 'validator'], /<amount-ALTO> takes an amount of ALTO/],
    [['stake', '--role', 'validator'], /'stake' takes <amount-ALTO>, got none/],
    [['stake', '1', '--role', 'app'], /an app stake needs --app-name and --service-key/],
    [['stake', '1', '--role', 'app', '--app-name', 'x'], /an app stake needs --app-name and --service-key/],
    [
      ['stake', '1', '--role', 'validator', '--app-name', 'x'],
      /--app-name and --service-key go with --role app only/,
    ],
    [
      ['stake', '1', '--role', 'app', '--app-name', 'x', '--service-key', 'nokey'],
      /--service-key takes 64 hex digits or a key label/,
    ],
    [
      ['stake', '1', '--role', 'app', '--app-name', 'x'.repeat(65), '--service-key', 'service'],
      /--app-name is 65 bytes of UTF-8, at most 64/,
    ],
    [['unstake', '1', '--role', 'app', '--app-name', 'x'], /'unstake' takes no --app-name/],
    [['unstake', '1', '--role', 'validator', '--memo', 'm'], /'unstake' takes no --memo/],
  ];
  await expectRefused(t, setUp, cases);
});

test('a stake the node refuses exits 1 with its code', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.reject = { status: 400, code: 'below-min-stake', message: 'bonded 0.5 ALTO < minimum 1 ALTO' };
  const result = await wallet('stake', '0.5', '--role', 'validator');
  t.equal(result.code, 1);
  t.match(result.err, /rejected: below-min-stake/);
});

test("stake bonds the 'default' key or --from, never whichever key can pay", async (t) => {
  const { stub, wallet } = await setup(t, [FAUCET, SERVICE]);
  const missing = await wallet('stake', '2', '--role', 'validator');
  t.equal(missing.code, 2, 'no default key and no --from: bad usage');
  t.match(missing.err, /has no key labelled 'default': name the key that bonds with --from/);
  t.same(stub.posted, [], 'nothing posted');

  const poor = await wallet('stake', '2', '--role', 'validator', '--from', 'service');
  t.equal(poor.code, 1, 'the named key cannot pay');
  t.match(poor.err, /insufficient funds/);
  t.notMatch(poor.err, new RegExp(FAUCET.address), 'the faucet, which could, is not tried');
  t.same(stub.posted, [], 'nothing posted');

  const named = await wallet('stake', '2', '--role', 'validator', '--from', 'faucet');
  t.equal(named.code, 0, named.err);
  checkSigned(t, posted(stub, 0));
});
