// `altostream wallet propose|vote` against a stub node: the tx each submits
// decodes to the Proposal/Vote payload asked for, signed by the `default` key
// (or --from) so that consensus's stateless checks accept it; a parameter
// outside §8.3's whitelist or bounds, a bad voting period, choice or flag
// exits 2 with the code before any request. Last, the commands on a mining
// node: its tally passes the proposal and its apply step changes the parameter.
import { test } from 'tap';
import { walletCommand } from '../../src/cli/wallet-command.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId } from '../../src/protocol/tx.js';
import {
  addKey,
  createKey,
  emptyWallet,
  saveWallet,
  walletPath,
  type WalletKey,
} from '../../src/wallet/keystore.js';
import { captureIo } from '../helpers/io.js';
import { startTestNode } from '../helpers/node.js';
import type { TestOwner } from '../helpers/test-owner.js';
import {
  checkSigned,
  expectPosted,
  FAUCET,
  postedTx,
  RICH,
  STAKER,
  expectRefused,
  stubWallet,
  type StubWallet,
} from '../helpers/stub-wallet.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const OTHER = createKey('other', REGTEST);
const PROPOSAL = 'ab'.repeat(32);

async function setup(t: TestOwner, keys: readonly WalletKey[] = [STAKER, OTHER]): Promise<StubWallet> {
  const setUp = await stubWallet(t, keys);
  setUp.stub.accounts.set(OTHER.address, { ...RICH, nextNonce: 0n });
  return setUp;
}

const posted = postedTx;

test('propose --signal and --param post signed Proposal payloads (ALTO amounts in base units) and print the txid', async (t) => {
  const setUp = await setup(t);
  const cases: [string[], Record<string, unknown>][] = [
    [['propose', '--signal', 'more jazz'], { type: 9, kind: 0, votingPeriod: 2, text: 'more jazz' }],
    [
      ['propose', '--param', 'MIN_MICROBLOCK_INTERVAL', '1500', '--voting-period', '40', '--text', 'calmer'],
      { type: 9, kind: 1, votingPeriod: 40, text: 'calmer', change: { paramId: 4, value: 1500n } },
    ],
    [
      ['propose', '--param', 'min_stake_validator', '2.5'],
      { type: 9, kind: 1, votingPeriod: 2, text: '', change: { paramId: 1, value: parseAlto('2.5') } },
    ],
    [
      ['propose', '--param', 'MIN_SUBSCRIPTION_PER_PERIOD', '0'],
      { type: 9, kind: 1, votingPeriod: 2, text: '', change: { paramId: 10, value: 0n } },
    ],
    [
      ['propose', '--param', 'MATCH_APPS', '500', '--voting-period', '100'],
      { type: 9, kind: 1, votingPeriod: 100, text: '', change: { paramId: 11, value: 500n } },
    ],
  ];
  await expectPosted(t, setUp, cases);
});

test('vote <id> yes|no|abstain posts a signed Vote; --from signs with another key; --json', async (t) => {
  const { stub, wallet } = await setup(t);
  for (const [i, [choice, code]] of (
    [
      ['yes', 1],
      ['no', 2],
      ['abstain', 3],
    ] as const
  ).entries()) {
    const result = await wallet('vote', PROPOSAL, choice);
    t.equal(result.code, 0, result.err);
    const tx = posted(stub, i);
    checkSigned(t, tx);
    t.same(tx.payload, { type: 10, proposalId: Buffer.from(PROPOSAL, 'hex'), choice: code });
    t.same(result.out, [hex(txId(tx))]);
  }
  const other = await wallet('vote', PROPOSAL.toUpperCase(), 'no', '--from', 'other', '--json');
  t.equal(other.code, 0, other.err);
  const tx = posted(stub, 3);
  checkSigned(t, tx, OTHER, 0n);
  t.match(JSON.parse(other.out[0] ?? '{}'), {
    id: hex(txId(tx)),
    kind: 'vote',
    proposal: PROPOSAL,
    choice: 'no',
    from: OTHER.address,
    status: 'pending',
  });
});

test('bad proposals and votes exit 2 with the code before any request', async (t) => {
  const setUp = await setup(t);
  const cases: [string[], RegExp][] = [
    [
      ['propose', '--param', 'BLOCK_SIZE', '1'],
      /param-not-allowed: --param takes one of MIN_STAKE_VALIDATOR/,
    ],
    [
      ['propose', '--param', 'MIN_PLAY_SECONDS', '5'],
      /param-out-of-range: MIN_PLAY_SECONDS takes 10–300, got 5/,
    ],
    [['propose', '--param', 'MATCH_MUSICIANS', '501'], /param-out-of-range: MATCH_MUSICIANS takes 0–500/],
    [
      ['propose', '--param', 'MIN_STAKE_APP', '0.5'],
      /param-out-of-range: MIN_STAKE_APP takes 1000000000000000000–10000000000000000000000000 base units/,
    ],
    [['propose', '--param', 'MIN_PLAY_SECONDS', '1.5'], /VALUE of MIN_PLAY_SECONDS is a whole number/],
    [['propose', '--param', 'MIN_PLAY_SECONDS'], /--param MIN_PLAY_SECONDS needs a VALUE/],
    [['propose', '--signal', 'x', '--voting-period', '1'], /bad-voting-period: --voting-period takes 2–100/],
    [['propose', '--signal', 'x', '--voting-period', '101'], /bad-voting-period/],
    [['propose', '--signal', 'x'.repeat(1025)], /1025 bytes of UTF-8, at most 1024/],
    [['propose'], /one of --signal TEXT or --param NAME VALUE/],
    [
      ['propose', '--signal', 'x', '--param', 'MATCH_APPS', '1'],
      /one of --signal TEXT or --param NAME VALUE/,
    ],
    [['propose', '--signal', 'x', '7'], /a signal takes no VALUE/],
    [['propose', '--signal', 'x', '--text', 'y'], /no --text/],
    [['vote', PROPOSAL, 'maybe'], /bad-choice: a vote is yes, no or abstain/],
    [['vote', 'abc', 'yes'], /takes a txid of 64 hex digits/],
    [['vote', PROPOSAL], /takes <proposal-id> <yes\|no\|abstain>/],
    [['vote', PROPOSAL, 'yes', '--signal', 'x'], /'vote' takes no --signal/],
  ];
  await expectRefused(t, setUp, cases, true);
});

test('a refusal by the node exits 1 with its code; a proposal needs the deposit besides the fee', async (t) => {
  const { stub, wallet } = await setup(t);
  stub.reject = { status: 400, code: 'not-staker', message: 'W(sender) = 0' };
  const refused = await wallet('vote', PROPOSAL, 'yes');
  t.equal(refused.code, 1);
  t.match(refused.err, /rejected: not-staker/);
  stub.reject = undefined;
  // 1 ALTO deposit on regtest: 1 ALTO alone does not cover it and the fee.
  stub.accounts.set(FAUCET.address, { ...RICH, balance: parseAlto('1') });
  const poor = await wallet('propose', '--signal', 'x');
  t.equal(poor.code, 1);
  t.match(poor.err, /insufficient funds: propose needs 1\.0/);
  t.equal(stub.posted.length, 1, 'only the refused vote reached the node');
});

test('on a mining node: wallet stake, propose --param, vote; the node tallies and applies the change', async (t) => {
  const payout = createKey('payout', REGTEST).address;
  const { url, datadir } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { mine: true, blockIntervalMs: 300, payout },
  );
  await saveWallet(walletPath(datadir), addKey(emptyWallet(REGTEST), STAKER));
  const wallet = async (...args: string[]) => {
    const c = captureIo();
    const code = await walletCommand(['--datadir', datadir, '--api', url, ...args], c.io);
    return { code, out: c.out, err: c.err.join('\n') };
  };
  const get = async (path: string): Promise<Record<string, unknown>> =>
    (await fetch(`${url}${path}`)).json() as Promise<Record<string, unknown>>;
  /** Polls the node until `ok` holds (key blocks come every 300 ms). */
  const until = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`not within 60 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const staked = await wallet('stake', '5', '--role', 'infrastructure');
  t.equal(staked.code, 0, staked.err);
  await until(
    'the stake in a block',
    async () => (await get(`/stakes/${FAUCET.address}`)).bonds !== undefined,
  );
  const proposed = await wallet('propose', '--param', 'MIN_PLAY_SECONDS', '45', '--voting-period', '4');
  t.equal(proposed.code, 0, proposed.err);
  const id = proposed.out[0]!;
  await until('the proposal in a block', async () => (await get(`/proposals/${id}`)).status === 'open');
  const voted = await wallet('vote', id, 'yes');
  t.equal(voted.code, 0, voted.err);
  await until('the tally', async () => (await get(`/proposals/${id}`)).status !== 'open');
  t.match(await get(`/proposals/${id}`), {
    status: 'passed',
    param: { id: 5, name: 'MIN_PLAY_SECONDS', value: '45' },
    tally: { tallied: true, yes: (5n * 10n ** 18n).toString(), votes: 1, quorum: true, pass: true },
  });
  await until('the apply step', async () => (await get(`/proposals/${id}`)).status === 'applied');
  t.match(((await get('/params')).params as unknown[])[4], {
    name: 'MIN_PLAY_SECONDS',
    value: '45',
    changed: true,
  });
});
