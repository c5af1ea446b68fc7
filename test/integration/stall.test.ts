// Sync against a stalling peer (PROTOCOL.md §10.3, src/p2p/sync.ts): a peer
// that claims the most work but never answers a block range costs one stall
// timeout, after which its ranges go to an honest peer and it is left alone.
import { test } from 'tap';
import { STALL_MS } from '../../src/node/config.js';
import { KEY_TIP_SEQ } from '../../src/p2p/wire.js';
import { converged, digest, mineOn, startNetNode, until } from '../helpers/network.js';
import { GENESIS_ID, stallRanges, startTestPeer } from '../helpers/test-peer.js';

const STALLED = 'peer stalled on a block range: reassigning it';
test('stalled range: a peer claiming the most work that never answers blocks-by-range is reassigned after the stall timeout, and a 500-block sync finishes within 2× the time without it', async (t) => {
  const honest = await startNetNode(t);
  for (let i = 0; i < 500; i++) await mineOn(honest);
  const tip = (await digest(honest)).tip;
  t.equal(tip.keyHeight, 500);

  // Both times run from spawning the fresh node to its convergence: the node
  // starts P2P, and with it the sync, before its API answers, so the same
  // process start-up (well under a second) is in both.
  let started = performance.now();
  const alone = await startNetNode(t, ['--bootstrap', honest.address]);
  await until(60_000, 'a fresh node syncs from the honest node alone', () => converged([honest, alone]));
  const withoutMs = performance.now() - started;
  alone.proc.kill('SIGKILL'); // its CPU is not the next node's
  await alone.proc.exited;

  // Answers the status handshake like a node with 500 key blocks and more work than
  // anyone (so the sync asks it first), then holds every range request unanswered.
  const staller = await startTestPeer(t, {
    genesisId: GENESIS_ID,
    tipId: new Uint8Array(32).fill(0xee),
    tipKeyHeight: 500n,
    tipSeq: KEY_TIP_SEQ,
    chainWork: 1n << 200n,
  });
  const held = await stallRanges(staller);
  started = performance.now();
  const fresh = await startNetNode(t, ['--bootstrap', honest.address, '--bootstrap', staller.address]);
  await until(60_000, 'a fresh node syncs with the staller among its peers', () =>
    converged([honest, fresh]),
  );
  const withMs = performance.now() - started;

  t.ok(held.requests >= 1, 'the staller was asked for a range and answered none');
  const stalls = fresh.proc.lines.filter((l) => l.msg === STALLED);
  t.ok(
    stalls.some((l) => l.peer === staller.id && l.level === 40),
    `the fresh node warns '${STALLED}' naming the staller`,
  );
  t.equal((await digest(fresh)).tip.keyHeight, 500);
  // The ranges first given to the staller are all asked at once (one sync round),
  // so they time out together; then the staller sits out its 60 s penalty.
  const times = stalls.map((l) => Number(l.time));
  t.ok(
    Math.max(...times) - Math.min(...times) < STALL_MS,
    `the staller stalls one round only, then sits out its penalty: ${held.requests} range request(s) ` +
      `held, ${stalls.length} stall(s) over ${Math.max(...times) - Math.min(...times)} ms`,
  );
  // The bound: the 2× the time without the staller, plus the one stall
  // timeout (STALL_MS) the staller is owed: after it the honest peer serves its
  // ranges and the rest is the same sync.
  t.ok(
    withMs <= 2 * withoutMs + STALL_MS,
    `synced in ${Math.round(withMs)} ms with the staller, ${Math.round(withoutMs)} ms without: ` +
      `ratio ${(withMs / withoutMs).toFixed(2)}, bound 2 × ${Math.round(withoutMs)} + ${STALL_MS} ms`,
  );
});
