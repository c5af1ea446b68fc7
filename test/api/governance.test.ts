// GET /proposals, /proposals/:id, /proposals/:id/votes, /params and /reserve on
// a chain whose stake was bonded through transactions and whose governance
// entries were then written straight into the state (Proposal and Vote have
// no effects yet): a proposal in every status, votes from stakers and from an
// account without weight, a parameter changed, a change scheduled, voting
// rewards pending and a reserve balance.
//
//   g ── a ── a1 (faucet funds V, P, I) ── b ── b1 (V 3, P 2, I 1 ALTO staked) ── c ── c1 (V unstakes 1)
//   weights now: V 2, P 2, I 1 ALTO; B = 5 ALTO
import type { FastifyInstance } from 'fastify';
import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/hash.js';
import { RESERVE_ACCOUNT, accountId, encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, type Tx } from '../../src/protocol/tx.js';
import { encodePending, pendingKey } from '../../src/state/entries.js';
import {
  PROPOSAL_STATUS_NAMES,
  type Proposal,
  type ProposalStatus,
} from '../../src/state/governance-entries.js';
import { PROPOSAL_STATUSES } from '../../src/api-schema/governance.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { FAUCET_ACCOUNT, signedTx, transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 10n ** 15n;
const seedOf = (tag: string): Uint8Array => sha256(new TextEncoder().encode(`governance api ${tag}`));
const V = seedOf('validator');
const P = seedOf('app');
const I = seedOf('infrastructure');
const idOf = (seed: Uint8Array): Uint8Array => accountId(getPublicKey(seed));
const addr = (account: Uint8Array): string => encodeAddress(REGTEST.hrp, account);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const idByte = (n: number): Uint8Array => new Uint8Array(32).fill(n);

async function get(app: FastifyInstance, url: string): Promise<{ status: number; body: unknown }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

const proposal = (over: Partial<Proposal> & { status: ProposalStatus; end: bigint }): Proposal => ({
  proposer: idOf(V),
  kind: 0,
  text: '',
  paramId: 0,
  value: 0n,
  deposit: ALTO,
  yes: 0n,
  no: 0n,
  abstain: 0n,
  ...over,
});

interface Fixture {
  readonly h: ChainHarness;
  /** A transfer of a1 (key height 1): its id is the signal proposal's, so the window's start is found. */
  readonly signalTx: Tx;
}

const OPEN = idByte(0x10);
const NO_QUORUM = idByte(0x20);
const REJECTED = idByte(0x30);
const PASSED = idByte(0x40);
const APPLIED = idByte(0x50);
const SKIPPED = idByte(0x60);
const REPLACED = idByte(0x70);

function governanceChain(t: Test): Fixture {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('a', 'g');
  const signalTx = transfer(idOf(I), 10n * ALTO, { nonce: 2n, fee: FEE });
  h.micro('a1', 'a', [
    transfer(idOf(V), 10n * ALTO, { nonce: 0n, fee: FEE }),
    transfer(idOf(P), 10n * ALTO, { nonce: 1n, fee: FEE }),
    signalTx,
  ]);
  h.key('b', 'a1');
  h.micro('b1', 'b', [
    signedTx({ seed: V, fee: FEE, payload: { type: 6, role: 1, amount: 3n * ALTO } }),
    signedTx({
      seed: P,
      fee: FEE,
      payload: { type: 6, role: 2, amount: 2n * ALTO, app: { name: 'tunes', serviceKey: getPublicKey(I) } },
    }),
    signedTx({ seed: I, fee: FEE, payload: { type: 6, role: 3, amount: ALTO } }),
  ]);
  h.key('c', 'b1');
  h.micro('c1', 'c', [
    signedTx({ seed: V, nonce: 1n, fee: FEE, payload: { type: 7, role: 1, amount: ALTO } }),
  ]);

  const view = h.chain.state();
  const signal = txId(signalTx);
  view.setProposal(signal, proposal({ status: 0, end: 5n, text: 'more songs', proposer: idOf(P) }));
  view.setProposal(
    OPEN,
    proposal({ status: 0, end: 10n, kind: 1, paramId: 4, value: 1000n, text: 'slower microblocks' }),
  );
  view.setVote(OPEN, idOf(V), 1);
  view.setVote(OPEN, idOf(P), 1);
  view.setVote(OPEN, idOf(I), 2);
  view.setVote(OPEN, FAUCET_ACCOUNT, 2); // W = 0: counted as a vote, adds no weight
  view.setVote(signal, idOf(I), 3);
  view.setProposal(NO_QUORUM, proposal({ status: 1, end: 2n, abstain: ALTO }));
  view.setProposal(REJECTED, proposal({ status: 2, end: 2n, yes: 2n * ALTO, no: 2n * ALTO }));
  view.setProposal(
    PASSED,
    proposal({ status: 3, end: 3n, kind: 1, paramId: 8, value: 250n, yes: 4n * ALTO, no: ALTO }),
  );
  view.setScheduled(6n, 8, { proposalId: PASSED, value: 250n });
  view.setProposal(
    APPLIED,
    proposal({ status: 4, end: 1n, kind: 1, paramId: 5, value: 60n, yes: 5n * ALTO }),
  );
  view.setParam(5, 60n);
  view.setProposal(
    SKIPPED,
    proposal({ status: 5, end: 1n, kind: 1, paramId: 9, value: 500n, yes: 5n * ALTO }),
  );
  view.setProposal(
    REPLACED,
    proposal({ status: 6, end: 1n, kind: 1, paramId: 4, value: 700n, yes: 5n * ALTO }),
  );
  view.setLastVotedEnd(idOf(V), 1n);
  view.setAccount(RESERVE_ACCOUNT, { balance: 10n * ALTO, nonce: 0n });
  // Two voting rewards of a settlement at key height 1, maturing at 3 + 1 (written, not settled).
  view.set(pendingKey(4n, idOf(V), 1n, 10), encodePending({ amount: 3n * ALTO, mint: false }));
  view.set(pendingKey(4n, idOf(P), 1n, 10), encodePending({ amount: ALTO, mint: false }));
  view.set(pendingKey(4n, idOf(P), 1n, 5), encodePending({ amount: ALTO, mint: true })); // not a voting reward
  h.storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  return { h, signalTx };
}

const summary = (
  id: Uint8Array,
  over: {
    status: string;
    statusCode: number;
    end: number;
    kind?: 0 | 1;
    param?: unknown;
    text?: string;
    proposer?: Uint8Array;
  },
): Record<string, unknown> => ({
  id: hex(id),
  proposer: addr(over.proposer ?? idOf(V)),
  kind: over.kind ?? 0,
  kindName: (over.kind ?? 0) === 0 ? 'signal' : 'param-change',
  text: over.text ?? '',
  param: over.param ?? null,
  deposit: ALTO.toString(),
  end: over.end,
  status: over.status,
  statusCode: over.statusCode,
});

test('GET /proposals: every status, newest window first (end, then id descending), filtered and paged', async (t) => {
  const { h, signalTx } = governanceChain(t);
  const app = await apiOnHarness(t, h);
  const signal = txId(signalTx);
  const all = [
    summary(OPEN, {
      status: 'open',
      statusCode: 0,
      end: 10,
      kind: 1,
      text: 'slower microblocks',
      param: { id: 4, name: 'MIN_MICROBLOCK_INTERVAL', value: '1000' },
    }),
    summary(signal, { status: 'open', statusCode: 0, end: 5, text: 'more songs', proposer: idOf(P) }),
    summary(PASSED, {
      status: 'passed',
      statusCode: 3,
      end: 3,
      kind: 1,
      param: { id: 8, name: 'MATCH_MUSICIANS', value: '250' },
    }),
    summary(REJECTED, { status: 'rejected', statusCode: 2, end: 2 }),
    summary(NO_QUORUM, { status: 'no-quorum', statusCode: 1, end: 2 }),
    summary(REPLACED, {
      status: 'replaced',
      statusCode: 6,
      end: 1,
      kind: 1,
      param: { id: 4, name: 'MIN_MICROBLOCK_INTERVAL', value: '700' },
    }),
    summary(SKIPPED, {
      status: 'skipped',
      statusCode: 5,
      end: 1,
      kind: 1,
      param: { id: 9, name: 'MATCH_LISTENERS', value: '500' },
    }),
    summary(APPLIED, {
      status: 'applied',
      statusCode: 4,
      end: 1,
      kind: 1,
      param: { id: 5, name: 'MIN_PLAY_SECONDS', value: '60' },
    }),
  ];
  // end 10 and 5 sort above 3; at end 2 and 1 the ids (0x30 > 0x20, 0x70 > 0x60 > 0x50) decide.
  t.same(await get(app, '/proposals'), { status: 200, body: { height: 3, proposals: all, next: null } });
  t.same((await get(app, '/proposals?status=open')).body, {
    height: 3,
    proposals: all.slice(0, 2),
    next: null,
  });
  t.same((await get(app, '/proposals?status=applied')).body, { height: 3, proposals: [all[7]], next: null });

  const pages: unknown[] = [];
  let url = '/proposals?limit=3';
  for (;;) {
    const { status, body } = (await get(app, url)) as {
      status: number;
      body: { proposals: unknown[]; next: string | null };
    };
    t.equal(status, 200);
    pages.push(...body.proposals);
    if (body.next === null) break;
    url = `/proposals?limit=3&before=${body.next}`;
  }
  t.same(pages, all, 'pages of 3 give every proposal once, in order');
  const first = (await get(app, '/proposals?limit=2')).body as { next: string };
  t.equal(first.next, `5-${hex(signal)}`, 'next is the last one’s <end>-<id>');

  t.equal(((await get(app, '/proposals?status=closed')).body as { code: string }).code, 'bad-request');
  t.same((await get(app, '/proposals?before=7')).body, {
    code: 'bad-cursor',
    message: '?before=7 is not a next cursor of GET /proposals (<end>-<proposal id>)',
    field: 'before',
  });
  t.equal((await get(app, '/proposals?limit=1001')).status, 400);
});

test('GET /proposals/:id: an open proposal’s tally is counted now with current weights; a tallied one shows the stored result', async (t) => {
  const { h, signalTx } = governanceChain(t);
  const app = await apiOnHarness(t, h);
  // V (2) and P (2) yes, I (1) no, the faucet (W = 0) no: 5 of B = 5 ALTO voted; 3·4 > 2·5 passes.
  t.same(await get(app, `/proposals/${hex(OPEN)}`), {
    status: 200,
    body: {
      ...summary(OPEN, {
        status: 'open',
        statusCode: 0,
        end: 10,
        kind: 1,
        text: 'slower microblocks',
        param: { id: 4, name: 'MIN_MICROBLOCK_INTERVAL', value: '1000' },
      }),
      height: 3,
      // Written straight into the state: no transaction holds it, so the start is not known.
      window: { start: null, end: 10, votingPeriod: null },
      tally: {
        tallied: false,
        yes: (4n * ALTO).toString(),
        no: ALTO.toString(),
        abstain: '0',
        votes: 4,
        bondedWeight: (5n * ALTO).toString(),
        quorum: true,
        pass: true,
      },
    },
  });
  // I (1 ALTO) abstains: 1·10000 ≥ 2000·5 is exactly quorum; 3·0 > 0 fails.
  const signal = txId(signalTx);
  t.same(
    ((await get(app, `/proposals/${hex(signal)}`)).body as Record<string, unknown>).window,
    {
      start: 1,
      end: 5,
      votingPeriod: 5,
    },
    'the window starts at the key height of the block holding the transaction with the proposal’s id',
  );
  t.same(((await get(app, `/proposals/${hex(signal)}`)).body as Record<string, unknown>).tally, {
    tallied: false,
    yes: '0',
    no: '0',
    abstain: ALTO.toString(),
    votes: 1,
    bondedWeight: (5n * ALTO).toString(),
    quorum: true,
    pass: false,
  });
  const tallied = async (id: Uint8Array): Promise<unknown> =>
    ((await get(app, `/proposals/${hex(id)}`)).body as Record<string, unknown>).tally;
  t.same(await tallied(NO_QUORUM), {
    tallied: true,
    yes: '0',
    no: '0',
    abstain: ALTO.toString(),
    votes: 0,
    bondedWeight: null,
    quorum: false,
    pass: false,
  });
  t.same(await tallied(REJECTED), {
    tallied: true,
    yes: (2n * ALTO).toString(),
    no: (2n * ALTO).toString(),
    abstain: '0',
    votes: 0,
    bondedWeight: null,
    quorum: true,
    pass: false,
  });
  for (const id of [PASSED, APPLIED, SKIPPED, REPLACED]) {
    const tally = (await tallied(id)) as { quorum: boolean; pass: boolean; tallied: boolean };
    t.same([tally.tallied, tally.quorum, tally.pass], [true, true, true], `${hex(id).slice(0, 2)} passed`);
  }
  t.same(await get(app, `/proposals/${'ab'.repeat(32)}`), {
    status: 404,
    body: { code: 'unknown-proposal', message: `no proposal ${'ab'.repeat(32)}` },
  });
  t.equal(((await get(app, '/proposals/xyz')).body as { code: string }).code, 'bad-request');
});

test('GET /proposals/:id/votes: voters in account order with choice and current weight, paged by voter', async (t) => {
  const { h } = governanceChain(t);
  const app = await apiOnHarness(t, h);
  const expected = [
    { voter: idOf(V), choice: 'yes', weight: 2n * ALTO },
    { voter: idOf(P), choice: 'yes', weight: 2n * ALTO },
    { voter: idOf(I), choice: 'no', weight: ALTO },
    { voter: FAUCET_ACCOUNT, choice: 'no', weight: 0n },
  ]
    .sort((a, b) => hex(a.voter).localeCompare(hex(b.voter)))
    .map((v) => ({ voter: addr(v.voter), choice: v.choice, weight: v.weight.toString() }));
  t.same(await get(app, `/proposals/${hex(OPEN)}/votes`), {
    status: 200,
    body: { id: hex(OPEN), height: 3, votes: expected, next: null },
  });
  const first = (await get(app, `/proposals/${hex(OPEN)}/votes?limit=3`)).body as {
    votes: unknown[];
    next: string;
  };
  t.same(first.votes, expected.slice(0, 3));
  t.equal(first.next, expected[2]!.voter);
  t.same((await get(app, `/proposals/${hex(OPEN)}/votes?limit=3&after=${first.next}`)).body, {
    id: hex(OPEN),
    height: 3,
    votes: expected.slice(3),
    next: null,
  });
  t.equal(
    ((await get(app, `/proposals/${hex(OPEN)}/votes?after=alto1xyz`)).body as { code: string }).code,
    'bad-address',
  );
  t.equal((await get(app, `/proposals/${'ab'.repeat(32)}/votes`)).status, 404);
});

test('GET /params: every governed parameter in force with its §12 value and bounds, and the scheduled changes', async (t) => {
  const { h } = governanceChain(t);
  const app = await apiOnHarness(t, h);
  const row = (
    id: number,
    name: string,
    unit: string,
    value: bigint,
    min: bigint,
    max: bigint,
    initial = value,
  ) => ({
    id,
    name,
    unit,
    value: value.toString(),
    initial: initial.toString(),
    changed: value !== initial,
    min: min.toString(),
    max: max.toString(),
  });
  t.same(await get(app, '/params'), {
    status: 200,
    body: {
      height: 3,
      matchRateSumMax: '500',
      params: [
        row(1, 'MIN_STAKE_VALIDATOR', 'base-units', ALTO, ALTO, 10_000_000n * ALTO),
        row(2, 'MIN_STAKE_APP', 'base-units', ALTO, ALTO, 10_000_000n * ALTO),
        row(3, 'MIN_STAKE_INFRASTRUCTURE', 'base-units', ALTO, ALTO, 10_000_000n * ALTO),
        row(4, 'MIN_MICROBLOCK_INTERVAL', 'ms', 0n, 0n, 60_000n),
        row(5, 'MIN_PLAY_SECONDS', 's', 60n, 10n, 300n, 30n),
        row(6, 'MAX_PLAYS_PER_SONG_PER_LISTENER', 'plays', 10n, 1n, 1000n),
        row(7, 'MAX_SECONDS_PER_LISTENER_PER_PERIOD', 's', 64_800n, 3600n, 86_400n),
        row(8, 'MATCH_MUSICIANS', 'bp', 300n, 0n, 500n),
        row(9, 'MATCH_LISTENERS', 'bp', 100n, 0n, 500n),
        row(10, 'MIN_SUBSCRIPTION_PER_PERIOD', 'base-units', ALTO / 1000n, 0n, 1_000_000n * ALTO),
        row(11, 'MATCH_APPS', 'bp', 100n, 0n, 500n),
        row(12, 'ENGAGEMENT_TARGET', 's', 36_000n, 3600n, 86_400n),
      ],
      scheduled: [
        { applyHeight: 6, paramId: 8, name: 'MATCH_MUSICIANS', value: '250', proposal: hex(PASSED) },
      ],
    },
  });
  t.equal(((await get(app, '/params?x=1')).body as { code: string }).code, 'unknown-field');
});

test('GET /reserve: balance, what the next settlement would pay voters, and the voting rewards pending', async (t) => {
  const { h } = governanceChain(t);
  const app = await apiOnHarness(t, h);
  // Next settlement at 11 (REWARD_PERIOD 10); V voted (last_voted_end 1 ≥ 11 − 20): floor(10·2/5) = 4 ALTO.
  t.same(await get(app, '/reserve'), {
    status: 200,
    body: {
      address: addr(RESERVE_ACCOUNT),
      height: 3,
      balance: (10n * ALTO).toString(),
      nextSettlement: {
        height: 11,
        bondedWeight: (5n * ALTO).toString(),
        voters: 1,
        voterWeight: (2n * ALTO).toString(),
        payout: (4n * ALTO).toString(),
      },
      distributions: [{ height: 1, maturity: 4, total: (4n * ALTO).toString(), recipients: 2 }],
    },
  });
});

test('the API schema names the statuses as §9.1 and the state do (api-schema/ imports nothing, so it restates them)', (t) => {
  t.same(PROPOSAL_STATUSES, PROPOSAL_STATUS_NAMES);
  t.end();
});
