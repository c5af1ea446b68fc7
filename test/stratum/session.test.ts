// One Stratum connection's protocol without a socket: requests in, messages
// out. The hash is a stand-in the test sets per share, so each outcome (block,
// share, low difficulty) is reached on purpose, and the test counts how often
// a share was hashed: never before the cheap checks pass.
import { test, type Test } from 'tap';
import { keyBlockTemplate } from '../../src/miner/template.js';
import type { SubmitResult } from '../../src/miner/submit.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { encodeKeyBlockHeader, type KeyBlock } from '../../src/protocol/key-block.js';
import { TESTNET } from '../../src/protocol/params.js';
import { difficultyOf, shareTarget } from '../../src/stratum/difficulty.js';
import type { Outgoing, Response } from '../../src/stratum/messages.js';
import { MAX_JOBS_PER_SESSION, StratumSession, type ShareEvent } from '../../src/stratum/session.js';

const NOW_S = 1_800_000_000;
const MTP = NOW_S - 600;
const ADDRESS = encodeAddress(TESTNET.hrp, new Uint8Array(20).fill(0x22));
const START_EXPONENT = -2;

/** LE256 bytes of a value: the stand-in hash the next share gets. */
function hashOf(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

interface Harness {
  session: StratumSession;
  sent: Outgoing[];
  shares: ShareEvent[];
  blocks: KeyBlock[];
  hashed: Uint8Array[];
  state: { current: boolean; nextHash: Uint8Array; prevByte: number };
  request(method: string, params: unknown[]): Response;
}

function open(t: Test): Harness {
  const sent: Outgoing[] = [];
  const shares: ShareEvent[] = [];
  const blocks: KeyBlock[] = [];
  const hashed: Uint8Array[] = [];
  const state = { current: true, nextHash: hashOf(0n), prevByte: 1 };
  let jobIds = 0;
  let requestIds = 0;
  const session = new StratumSession({
    hrp: TESTNET.hrp,
    mode: 'solo',
    extranonce1: Uint8Array.from([0, 0, 0, 7]),
    template: (payout) =>
      keyBlockTemplate(
        {
          prev: { id: new Uint8Array(32).fill(state.prevByte) } as never,
          height: 5n,
          bits: 0x1f00ffff,
          medianTimePast: MTP,
        },
        { leaderKey: new Uint8Array(32).fill(9), payout, nowS: NOW_S },
        TESTNET,
      ),
    isCurrent: () => state.current,
    nextJobId: () => (++jobIds).toString(16),
    maxExponent: () => 0,
    startExponent: START_EXPONENT,
    hash: (header) => {
      hashed.push(header);
      return state.nextHash;
    },
    submitBlock: (block): SubmitResult => {
      blocks.push(block);
      return { accepted: true, reason: null, id: 'ab'.repeat(32), result: 'connected' };
    },
    now: () => NOW_S * 1000,
    send: (message) => sent.push(message),
    onShare: (share) => shares.push(share),
  });
  t.ok(session);
  return {
    session,
    sent,
    shares,
    blocks,
    hashed,
    state,
    request: (method, params) => {
      const id = ++requestIds;
      session.handle({ id, method, params });
      const response = sent.find((m): m is Response => m.id === id);
      if (response === undefined) throw new Error(`no response to ${method}`);
      return response;
    },
  };
}

const notifications = (sent: Outgoing[], method: string): unknown[][] =>
  sent
    .filter((m) => 'method' in m && m.method === method)
    .map((m) => [...(m as { params: readonly unknown[] }).params]);

function ready(t: Test): Harness & { jobId: string } {
  const h = open(t);
  h.request('mining.subscribe', ['cpuminer-opt/25.6']);
  h.request('mining.authorize', [`${ADDRESS}.rig1`, 'x']);
  const notify = notifications(h.sent, 'mining.notify');
  return { ...h, jobId: notify.at(-1)![0] as string };
}

const submit = (
  h: Harness,
  jobId: string,
  over: Partial<{ worker: string; en2: string; ntime: string; nonce: string }> = {},
): Response =>
  h.request('mining.submit', [
    over.worker ?? `${ADDRESS}.rig1`,
    jobId,
    over.en2 ?? '00000001',
    over.ntime ?? NOW_S.toString(16),
    over.nonce ?? '0000abcd',
  ]);

const code = (r: Response): number | undefined => r.error?.[0];

test('subscribe, then authorize: the result, then set_difficulty, then the first notify with clean_jobs', async (t) => {
  const h = open(t);
  t.same(h.request('mining.authorize', [ADDRESS, 'x']).error?.[0], 25, 'authorize before subscribe: 25');
  const subscribed = h.request('mining.subscribe', []);
  t.same(subscribed.result, [
    [
      ['mining.set_difficulty', '00000007'],
      ['mining.notify', '00000007'],
    ],
    '00000007',
    4,
  ]);
  const bad = h.request('mining.authorize', ['alto1notanaddress', 'x']);
  t.same([bad.result, code(bad)], [false, 24], 'not an address of this network: false, 24');
  const wrongNetwork = h.request('mining.authorize', [encodeAddress('alto', new Uint8Array(20)), 'x']);
  t.same([wrongNetwork.result, code(wrongNetwork)], [false, 24], "another network's address: 24");
  const before = h.sent.length;
  const ok = h.request('mining.authorize', [`${ADDRESS}.rig1`, 'x']);
  t.same([ok.result, ok.error], [true, null]);
  const after = h.sent.slice(before);
  t.same(
    after.map((m) => ('method' in m ? m.method : 'response')),
    ['response', 'mining.set_difficulty', 'mining.notify'],
  );
  t.same(notifications(after, 'mining.set_difficulty'), [[difficultyOf(START_EXPONENT)]]);
  t.equal(notifications(after, 'mining.notify')[0]![8], true, 'the first job is clean');
});

test('a password d= hint sets the starting difficulty, clamped to the network', async (t) => {
  const h = open(t);
  h.request('mining.subscribe', []);
  h.request('mining.authorize', [ADDRESS, 'x,d=0.125']);
  t.same(notifications(h.sent, 'mining.set_difficulty'), [[0.125]]);
  const g = open(t);
  g.request('mining.subscribe', []);
  g.request('mining.authorize', [ADDRESS, 'd=1000000']);
  t.same(
    notifications(g.sent, 'mining.set_difficulty'),
    [[1]],
    'never above the network target (max 2^0 here)',
  );
});

test('shares: every cheap rejection comes before the hash; then the block target first, then the share target', async (t) => {
  const h = ready(t);
  const hashes = (): number => h.hashed.length;

  const fresh = open(t);
  t.equal(code(submit(fresh, '1')), 25, 'not subscribed: 25');
  t.equal(code(submit(h, h.jobId, { worker: `${ADDRESS}.other` })), 24, 'a worker not authorized here: 24');
  t.equal(code(submit(h, h.jobId, { nonce: 'xyz' })), 20, 'malformed nonce: 20');
  t.equal(code(submit(h, h.jobId, { en2: '0001' })), 20, 'extranonce2 of 2 bytes: 20');
  t.equal(code(submit(h, 'ffff')), 21, 'an unknown job: 21');
  t.equal(code(submit(h, h.jobId, { ntime: MTP.toString(16) })), 20, 'ntime at the median time past: 20');
  t.equal(code(submit(h, h.jobId, { ntime: (NOW_S + 601).toString(16) })), 20, 'ntime past now + 600: 20');
  t.equal(hashes(), 0, 'none of these was hashed');

  // Just above the job's share target (difficulty 2^-2): low difficulty.
  h.state.nextHash = hashOf(shareTarget(START_EXPONENT) + 1n);
  t.equal(code(submit(h, h.jobId, { nonce: '00000001' })), 23, 'low difficulty: 23');
  // At the share target exactly: a share, not a block (the block target is 2^16 times smaller).
  h.state.nextHash = hashOf(shareTarget(START_EXPONENT));
  const share = submit(h, h.jobId, { nonce: '00000002', ntime: (MTP + 1).toString(16) });
  t.same([share.result, share.error], [true, null], 'a share at the target, ntime at MTP + 1');
  t.equal(h.blocks.length, 0, 'not a block');
  t.equal(hashes(), 2);
  t.equal(
    code(submit(h, h.jobId, { nonce: '00000002', ntime: (MTP + 1).toString(16) })),
    22,
    'the same again: 22',
  );
  t.equal(
    code(submit(h, h.jobId, { nonce: '00000002', ntime: (MTP + 1).toString(16).toUpperCase() })),
    22,
    'in capitals: still 22',
  );
  t.equal(hashes(), 2, 'a duplicate is not hashed');

  // A hash at the block target: a key block, submitted at once, with the header the miner hashed.
  h.state.nextHash = hashOf(0x0000ffffn << 208n);
  const block = submit(h, h.jobId, { nonce: '00000003' });
  t.same([block.result, block.error], [true, null]);
  t.equal(h.blocks.length, 1);
  t.same(
    encodeKeyBlockHeader(h.blocks[0]!.header),
    h.hashed.at(-1),
    'the block is the header that was hashed',
  );
  t.same(
    h.blocks[0]!.body.extranonce,
    Uint8Array.from([0, 0, 0, 7, 0, 0, 0, 1]),
    'extranonce1 ‖ extranonce2',
  );
  t.same(h.blocks[0]!.body.payout, new Uint8Array(20).fill(0x22), "solo: the worker's address");
  t.same(
    h.shares.map((s) => s.outcome),
    [
      'invalid',
      'invalid',
      'stale',
      'invalid',
      'invalid',
      'low-difficulty',
      'accepted',
      'duplicate',
      'duplicate',
      'accepted',
    ],
  );
  t.ok(h.shares.at(-1)!.block?.result.accepted, 'the share event carries the block');

  h.state.current = false;
  t.equal(code(submit(h, h.jobId, { nonce: '00000004' })), 21, 'a job whose block left the best epoch: 21');
  t.equal(hashes(), 3);
});

test('unknown methods get error 20 and the session goes on', async (t) => {
  const h = ready(t);
  const r = h.request('mining.extranonce.subscribe', []);
  t.same([r.result, code(r)], [false, 20]);
  h.state.nextHash = hashOf(0n);
  t.equal(submit(h, h.jobId).result, true, 'still mining');
});

test('new jobs: clean or not as told, stale ones forgotten, at most MAX_JOBS_PER_SESSION kept', async (t) => {
  const h = ready(t);
  const first = h.jobId;
  h.session.newJob(false);
  const second = notifications(h.sent, 'mining.notify').at(-1)!;
  t.equal(second[8], false);
  t.not(second[0], first, 'a distinct job id');
  h.state.nextHash = hashOf(0n);
  t.equal(
    submit(h, first, { nonce: '00000010' }).result,
    true,
    'a key block on an older microblock still counts',
  );
  for (let i = 0; i < MAX_JOBS_PER_SESSION + 4; i++) h.session.newJob(false);
  t.equal(code(submit(h, first, { nonce: '00000011' })), 21, 'pushed out by newer jobs: 21');
  h.state.prevByte = 2;
  h.session.newJob(true);
  const clean = notifications(h.sent, 'mining.notify').at(-1)!;
  t.equal(clean[8], true);
  t.not(clean[1], second[1], 'the new job builds on the new tip');
});
