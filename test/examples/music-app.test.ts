// The example music app's queue and report sender without a node
// (examples/music-app/): what POST /plays refuses and with which code, and
// what the reporter does with each kind of refusal from a stub node — drop the
// one play a fatal §4.9 code names, re-sign on a nonce refusal, keep the plays
// when the node refuses the report otherwise or cannot be reached.
import { test } from 'tap';
import { PlayQueue, PlayRefusal, WINDOW_MARGIN_S } from '../../examples/music-app/play-queue.js';
import { Reporter, type ReporterApi } from '../../examples/music-app/reporter.js';
import type { Submitted } from '../../examples/music-app/node-api.js';
import {
  accountId,
  encodeAttestation,
  getPublicKey,
  signAttestation,
  toHex,
  type Tx,
} from '../../src/client/index.js';
import { REGTEST } from '../../src/protocol/params.js';

const params = REGTEST;
const NOW_S = 1_800_000_000n;
const APP = accountId(getPublicKey(new Uint8Array(32).fill(1)));
const SERVICE = new Uint8Array(32).fill(2);
const LISTENER = new Uint8Array(32).fill(3);
const SONG = 'cd'.repeat(32);

const play = (serial: bigint, over: { startS?: bigint; seconds?: number; app?: Uint8Array } = {}) =>
  toHex(
    encodeAttestation(
      signAttestation(
        LISTENER,
        {
          songId: SONG,
          startS: over.startS ?? NOW_S - 1000n + serial * 100n,
          seconds: over.seconds ?? 60,
          app: over.app ?? APP,
          serial,
        },
        params,
      ),
    ),
  );

const newQueue = (): PlayQueue => new PlayQueue(APP, params, () => NOW_S);

function refusalOf(queue: PlayQueue, hexes: string[]): { code: string; index?: number } {
  try {
    queue.accept(hexes);
  } catch (err) {
    if (err instanceof PlayRefusal)
      return err.index === undefined ? { code: err.code } : { code: err.code, index: err.index };
    throw err;
  }
  return { code: 'accepted' };
}

test('POST /plays refusals: each code with the index at fault, and nothing of the request queued', async (t) => {
  const queue = newQueue();
  const window = BigInt(params.playReportWindowS);
  t.same(refusalOf(queue, []), { code: 'bad-count' });
  t.same(
    refusalOf(
      queue,
      Array.from({ length: 1001 }, (_, i) => play(BigInt(i))),
    ),
    { code: 'bad-count' },
  );
  t.same(refusalOf(queue, [play(1n), 'zz']), { code: 'bad-hex', index: 1 });
  t.same(refusalOf(queue, [play(1n), play(2n).slice(0, 100)]), { code: 'bad-encoding', index: 1 });
  t.same(refusalOf(queue, [play(1n, { app: new Uint8Array(20) })]), { code: 'wrong-app', index: 0 });
  t.same(refusalOf(queue, [play(1n, { seconds: 0 })]), { code: 'bad-attestation', index: 0 });
  const oldest = NOW_S - window + BigInt(WINDOW_MARGIN_S);
  t.same(refusalOf(queue, [play(1n, { startS: oldest - 1n })]), { code: 'play-too-old', index: 0 });
  t.same(refusalOf(queue, [play(1n, { startS: NOW_S + 61n })]), { code: 'play-in-future', index: 0 });
  const forged = play(1n).slice(0, -2) + (play(1n).endsWith('00') ? '01' : '00');
  t.same(refusalOf(queue, [forged]), { code: 'bad-attestation-signature', index: 0 });
  t.same(refusalOf(queue, [play(1n), play(1n)]), { code: 'duplicate-play', index: 1 });
  t.equal(queue.length, 0, 'nothing queued by a refused request');

  t.same(refusalOf(queue, [play(1n, { startS: oldest }), play(2n, { startS: NOW_S + 60n })]), {
    code: 'accepted',
  });
  t.equal(queue.length, 2, 'the window edges are taken');
  t.same(
    refusalOf(queue, [play(3n), play(2n)]),
    { code: 'duplicate-play', index: 1 },
    'a serial sent before',
  );
});

/** A stub node: answers each submission with the next of `answers`, records what it got. */
function stubNode(answers: (Submitted | Error)[], nonces: bigint[] = [0n]) {
  const got: Tx[] = [];
  const api: ReporterApi = {
    nextNonce: async () => nonces.shift() ?? 0n,
    feeFor: async () => 10n ** 15n,
    submit: async (tx) => {
      got.push(tx);
      const answer = answers.shift() ?? { ok: true, id: `id${got.length}` };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { api, got };
}

function reporterWith(answers: (Submitted | Error)[], nonces?: bigint[]) {
  const queue = newQueue();
  queue.accept([play(1n), play(2n), play(3n)]);
  const node = stubNode(answers, nonces);
  const refills: number[] = [];
  const onShortOfFunds = async (): Promise<void> => {
    refills.push(refills.length + 1);
  };
  const reporter = new Reporter(
    { app: APP, serviceSeed: SERVICE, params, batchSize: 1000, log: () => undefined, onShortOfFunds },
    node.api,
    queue,
  );
  const serials = (tx: Tx): bigint[] =>
    tx.payload.type === 8 ? tx.payload.attestations.map((a) => a.serial) : [];
  return { queue, reporter, got: node.got, serials, refills };
}

const refused = (code: string, details = ''): Submitted => ({
  ok: false,
  status: 400,
  code,
  message: `${code}${details}`,
});

test('a fatal play code with its index drops that play and sends the rest', async (t) => {
  const { reporter, got, serials } = reporterWith([refused('unknown-song', ' {"index":1,"songId":"cd"}')]);
  await reporter.flush(true);
  t.same(got.map(serials), [
    [1n, 2n, 3n],
    [1n, 3n],
  ]);
  t.same(reporter.status().refused.plays, { 'unknown-song': 1 });
  t.match(reporter.status(), { queued: 0, accepted: { reports: 1, plays: 2 } });
});

test('bad-nonce: the nonce is read again and the same plays signed with it', async (t) => {
  const { reporter, got } = reporterWith([refused('bad-nonce', ' {"nonce":"0"}')], [0n, 4n]);
  await reporter.flush(true);
  t.same(
    got.map((tx) => tx.nonce),
    [0n, 4n],
  );
  t.match(reporter.status(), {
    resubmitted: 1,
    refused: { reports: { 'bad-nonce': 1 } },
    accepted: { plays: 3 },
  });
});

test('another refusal, or no answer, keeps every play for the next flush', async (t) => {
  const answers: [string, Submitted | Error][] = [
    ['insufficient-funds', refused('insufficient-funds')],
    ['unreachable', new Error('connect ECONNREFUSED')],
  ];
  for (const [name, answer] of answers) {
    const { queue, reporter, got, serials, refills } = reporterWith([answer]);
    await reporter.flush(true);
    t.equal(queue.length, 3, `${name}: all queued again`);
    const asked = name === 'insufficient-funds' ? 1 : 0;
    t.equal(refills.length, asked, `${name}: the app asked for fee money ${asked} time(s)`);
    await reporter.flush(true);
    t.same(serials(got[1]!), [1n, 2n, 3n], 'and sent in their order by the next flush');
    t.equal(reporter.status().accepted.plays, 3);
  }
});
