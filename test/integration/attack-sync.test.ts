// A lying sync peer against real node processes (PROTOCOL.md §10.3,
// src/p2p/sync.ts): a test peer that claims the most work there can be, closes
// every block range it is asked without a block and sends its status every
// 10 ms must neither slow a fresh node's sync from an honest peer nor keep its
// connection: each empty answer rests it longer, and the node hangs up on it.
import { test } from 'tap';
import { MAX_MISSES } from '../../src/p2p/sync.js';
import { KEY_TIP_SEQ, encodeBlockMessage } from '../../src/p2p/wire.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { closeRanges, floodStatus, serveRanges } from '../helpers/lying-peer.js';
import { connect, converged, digest, mineOn, startNetNode, until } from '../helpers/network.js';
import { GENESIS_ID, dialNode, peersOf, startTestPeer } from '../helpers/test-peer.js';

const KEY_BLOCKS = 300;

/** What a liar says in the status handshake: the most work there can be. */
const LIE = {
  genesisId: GENESIS_ID,
  tipId: new Uint8Array(32).fill(0xee),
  tipKeyHeight: 1_000_000n,
  tipSeq: KEY_TIP_SEQ,
  chainWork: (1n << 255n) - 1n,
};

test('lying-sync: a peer claiming work 2^255−1 that closes every range and sends its status every 10 ms costs a 300-block sync < 1.5× its time and is disconnected', async (t) => {
  const honest = await startNetNode(t);
  let started = performance.now();
  for (let i = 0; i < KEY_BLOCKS; i++) await mineOn(honest);
  t.comment(`mined ${KEY_BLOCKS} key blocks in ${Math.round(performance.now() - started)} ms`);

  // Both times run from POST /peers (the fresh node dials the honest one) to convergence.
  const alone = await startNetNode(t);
  started = performance.now();
  await connect(alone, honest);
  await until(60_000, 'a fresh node syncs from the honest node alone', () => converged([honest, alone]));
  const withoutMs = performance.now() - started;
  alone.proc.kill('SIGKILL'); // its CPU is not the next node's
  await alone.proc.exited;

  const claim = LIE;
  const liar = await startTestPeer(t, claim);
  const ranges = await closeRanges(liar);
  const fresh = await startNetNode(t);
  await dialNode(liar, fresh);
  const flood = floodStatus(liar, fresh, claim, 10);
  t.teardown(() => {
    flood.stop();
  });
  await until(5_000, 'the fresh node asks the liar for a range', async () => ranges.requests > 0);
  started = performance.now();
  await connect(fresh, honest);
  await until(60_000, 'the fresh node syncs with the liar among its peers', () => converged([honest, fresh]));
  const withMs = performance.now() - started;
  t.equal((await digest(fresh)).tip.keyHeight, KEY_BLOCKS);
  t.ok(
    withMs <= 1.5 * withoutMs,
    `synced in ${Math.round(withMs)} ms with the liar, ${Math.round(withoutMs)} ms without: ` +
      `ratio ${(withMs / withoutMs).toFixed(2)}, bound 1.5`,
  );

  // Its rests after the first miss add up to 7.5 s (0.5 + 1 + 2 + 4), the sync included.
  const hungUp = await until(15_000, 'the fresh node hangs up on the liar', async () => {
    const view = await peersOf(fresh);
    return (
      view.disconnected.some((d) => d.peer === liar.id && d.reason === 'lying-sync') &&
      !view.peers.some((p) => p.id === liar.id)
    );
  });
  const view = await peersOf(fresh);
  t.same(
    view.disconnected.filter((d) => d.peer === liar.id).map((d) => [d.reason, d.detail]),
    [['lying-sync', 'empty-range']],
    'GET /peers says why, once',
  );
  t.notOk(
    view.banned.some((b) => b.peer === liar.id),
    'a lie about work is not consensus-invalid: no ban',
  );
  t.ok(
    view.peers.some((p) => p.id === honest.peerId),
    'the honest peer stays connected',
  );
  t.ok(
    ranges.requests <= MAX_MISSES * 4,
    `the liar was asked ${ranges.requests} ranges in all (at most ${MAX_MISSES} rounds of 4)`,
  );
  t.comment(
    `liar hung up ${Math.round(hungUp)} ms after the sync; its status flood: ${flood.sent} sent, ` +
      `${flood.answered} answered, ${flood.refused} refused or failed`,
  );
  t.ok(flood.answered <= flood.sent / 2, 'most of the status flood is refused');
});

test('lying-sync: a peer answering every range with a key block whose parent nobody has is disconnected after 5 fork searches, not banned', async (t) => {
  const node = await startNetNode(t);
  const liar = await startTestPeer(t, LIE);
  // Valid proof of work on a parent that exists nowhere: the fork search never finds where it joins.
  const stranger = encodeBlockMessage({
    kind: 'key',
    bytes: encodeKeyBlock(
      mineKeyBlock({ prev: new Uint8Array(32).fill(0xee), height: 1n, time: Math.floor(Date.now() / 1000) }),
    ),
  });
  const ranges = await serveRanges(liar, () => [stranger]);
  const started = performance.now();
  await dialNode(liar, node);
  // Rests of 0.5 + 1 + 2 + 4 s and five fork searches: ~9 s alone, more beside another test file.
  const ms = await until(60_000, 'the node hangs up on the liar', async () =>
    (await peersOf(node)).disconnected.some((d) => d.peer === liar.id),
  );
  const view = await peersOf(node);
  t.same(
    view.disconnected.filter((d) => d.peer === liar.id).map((d) => [d.reason, d.detail]),
    [['lying-sync', 'reorg-too-deep']],
    'disconnected for a fork point it never showed',
  );
  t.notOk(
    view.banned.some((b) => b.peer === liar.id),
    'its block is valid, only unconnectable: no ban',
  );
  const searches = node.proc.lines.filter((l) => l.code === 'reorg-too-deep').length;
  t.equal(searches, MAX_MISSES, `one error line per fork search, ${MAX_MISSES} in all`);
  t.comment(
    `${ranges.requests} ranges asked over ${MAX_MISSES} fork searches; hung up ${Math.round(ms)} ms ` +
      `after the liar connected (${Math.round(performance.now() - started)} ms with the dial)`,
  );
});
