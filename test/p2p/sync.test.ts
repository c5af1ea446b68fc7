import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { test } from 'tap';
import { ourStatus, rangeResponse } from '../../src/p2p/reqresp.js';
import { MAX_MISSES, MISS_BACKOFF_MS, STATUS_KICK_MS, Syncer, type SyncModules } from '../../src/p2p/sync.js';
import { decodeBlockMessage, type BlockMessage, type RangeRequest, type Status } from '../../src/p2p/wire.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { createLogger } from '../../src/util/logger.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { captureLog, LEVEL, type LogRecord } from '../helpers/log-capture.js';

/** A key block whose parent nobody has. */
const stranger = (height: bigint): BlockMessage => ({
  kind: 'key',
  bytes: encodeKeyBlock(mineKeyBlock({ prev: new Uint8Array(32).fill(0xee), height })),
});

/**
 * A Syncer for `ours` on a clock the test moves, whose one peer answers each
 * range with `answer(range)`; it records the clock at each request and the
 * disconnects it asks for.
 */
function lyingPeerSyncer(
  t: { teardown: (fn: () => unknown) => void },
  ours: ChainHarness,
  answer: (range: RangeRequest) => BlockMessage[],
): {
  syncer: Syncer;
  clock: { ms: number };
  asked: number[];
  lying: { peer: string; detail: string }[];
  records: LogRecord[];
} {
  const clock = { ms: 1_000_000 };
  const asked: number[] = [];
  const lying: { peer: string; detail: string }[] = [];
  const { logger, records } = captureLog('debug');
  const mods: SyncModules = {
    chain: ours.chain,
    addBlock: (block) => ours.chain.add(block),
    reqresp: {
      async *blocks(_peer, request): AsyncGenerator<BlockMessage> {
        await Promise.resolve();
        if (!('range' in request)) return;
        asked.push(clock.ms);
        yield* answer(request.range);
      },
    },
    peerId: (id) => peerIdFromString(id),
    logger,
    now: () => clock.ms,
    onInvalid: () => undefined,
    onLying: (peer, detail) => {
      lying.push({ peer, detail });
    },
  };
  const syncer = new Syncer({ stallMs: 3000, undoDepth: 4 }, mods);
  t.teardown(() => {
    syncer.stop();
  });
  return { syncer, clock, asked, lying, records };
}

const newPeer = async (): Promise<string> =>
  peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();

/** A claim of far more work than anyone has, at height 500. */
const bigClaim = (ours: ChainHarness): Status => ({
  genesisId: ours.entry('g').id,
  tipId: new Uint8Array(32).fill(0xee),
  tipKeyHeight: 500n,
  tipSeq: 0xffffffff,
  chainWork: (1n << 255n) - 1n,
});

const RESTING = 'peer missed a block range it claims: resting it';

test('reorg-too-deep: a peer claiming more work on a chain forking deeper than UNDO_DEPTH is logged at error level (§3.4) and dropped', async (t) => {
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  for (let i = 1; i <= 10; i++) ours.key(`b${i}`, i === 1 ? 'g' : `b${i - 1}`);
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const asked: bigint[] = [];
  const lines: { level: number; code?: string; msg: string }[] = [];
  const syncer = new Syncer(
    { stallMs: 3000, undoDepth: 4 },
    {
      chain: ours.chain,
      addBlock: (block) => ours.chain.add(block),
      // Every range starts with a block whose parent we do not have: a fork, however far back we look.
      reqresp: {
        async *blocks(_peer, request): AsyncGenerator<BlockMessage> {
          await Promise.resolve();
          if ('range' in request) asked.push(request.range.keyHeight);
          const stranger = mineKeyBlock({ prev: new Uint8Array(32).fill(0xee), height: 99n });
          yield { kind: 'key', bytes: encodeKeyBlock(stranger) };
        },
      },
      peerId: (id) => peerIdFromString(id),
      logger: createLogger({
        level: 'warn',
        destination: {
          write: (line: string) => {
            lines.push(JSON.parse(line) as { level: number; code?: string; msg: string });
          },
        },
      }),
      now: () => Date.now(),
      onInvalid: () => undefined,
      onLying: () => undefined,
    },
  );
  t.teardown(() => {
    syncer.stop();
  });
  const tip = ours.chain.tip;
  syncer.onStatus(peer, {
    genesisId: ours.entry('g').id,
    tipId: new Uint8Array(32).fill(0xee),
    tipKeyHeight: 500n,
    tipSeq: 0xffffffff,
    chainWork: tip.chainWork * 100n,
  });
  await syncer.idle();
  const errors = lines.filter((l) => l.level >= 50);
  t.equal(errors.length, 1, 'one error line');
  t.equal(errors[0]?.code, 'reorg-too-deep');
  t.match(errors[0]?.msg, /resync/);
  t.ok(
    asked.every((h) => h >= tip.keyHeight - 4n),
    `the fork search never asked below UNDO_DEPTH (${asked.join(', ')})`,
  );
  t.equal(syncer.progress().syncing, false, 'the peer is dropped from the sync');
});

test('sync-log: a sync is logged at info when it starts and when it ends, with heights, blocks and duration', async (t) => {
  //   theirs: g -> k1 -> k2 -> k3      ours: g
  const theirs = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  theirs.key('k1', 'g');
  theirs.key('k2', 'k1');
  theirs.key('k3', 'k2');
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const { logger, records } = captureLog('info');
  const syncer = new Syncer(
    { stallMs: 3000, undoDepth: 4 },
    {
      chain: ours.chain,
      addBlock: (block) => ours.chain.add(block),
      reqresp: {
        async *blocks(_peer, request): AsyncGenerator<BlockMessage> {
          await Promise.resolve();
          if (!('range' in request)) return;
          for (const bytes of rangeResponse(theirs.chain, request.range)) yield decodeBlockMessage(bytes);
        },
      },
      peerId: (id) => peerIdFromString(id),
      logger,
      now: () => Date.now(),
      onInvalid: () => undefined,
      onLying: () => undefined,
    },
  );
  t.teardown(() => {
    syncer.stop();
  });
  syncer.onStatus(peer, ourStatus(theirs.chain, theirs.entry('g').id));
  await syncer.idle();
  t.equal(ours.chain.tip.hex, theirs.chain.tip.hex, 'synced');
  t.match(
    records.map((r) => r.msg),
    ['sync started', 'sync ended'],
  );
  t.match(records[0], { level: LEVEL.info, height: 0, target: 3, peers: 1, from: peer });
  t.match(records[1], { level: LEVEL.info, from: 0, height: 3, blocks: 3, durationMs: Number });
});

test('lying-sync: a peer answering every range with blocks that do not connect rests 0.5, 1, 2, 4 s between fork searches, however often it sends its status, and is disconnected at the 5th', async (t) => {
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  ours.key('b1', 'g');
  const peer = await newPeer();
  const { syncer, clock, asked, lying, records } = lyingPeerSyncer(t, ours, (range) => [
    stranger(range.keyHeight + 1n),
  ]);
  // Its status every 100 ms (on the test's clock) for up to 20 s.
  for (let step = 0; step < 200 && lying.length === 0; step++) {
    syncer.onStatus(peer, bigClaim(ours));
    await syncer.idle();
    clock.ms += 100;
  }
  t.same(lying, [{ peer, detail: 'reorg-too-deep' }], 'disconnected once, for a fork point it never showed');
  const rests = records.filter((r) => r.msg === RESTING);
  t.same(
    rests.map((r) => r.restMs),
    [1, 2, 4, 8].map((k) => k * MISS_BACKOFF_MS),
    'each miss doubles the rest',
  );
  t.ok(
    rests.every((r) => r.why === 'reorg-too-deep'),
    'each miss is a fork search that found no common block within UNDO_DEPTH',
  );
  // No request while it rests, though its statuses kept coming.
  const missedAt = rests.map((r) => Number(r.time));
  for (const [i, at] of missedAt.entries()) {
    const until = at + Number(rests[i]!.restMs);
    t.notOk(
      asked.some((ms) => ms > at && ms < until),
      `no range asked in the rest after miss ${i + 1}`,
    );
  }
  t.ok(asked.length <= MAX_MISSES * 6, `${asked.length} ranges asked in all, not one search per status`);
  t.equal(syncer.progress().syncing, false);

  // It reconnects (the network forgot it at the disconnect): its first miss hangs up again.
  syncer.removePeer(peer);
  clock.ms += 60_000;
  syncer.onStatus(peer, bigClaim(ours));
  await syncer.idle();
  t.same(lying.length, 2, 'disconnected again at its first miss after reconnecting');
});

test('lying-sync: a range whose blocks stop linking counts as a miss even after one connected block', async (t) => {
  //   theirs: g -> k1 -> ??? (a key block on a parent nobody has)
  const theirs = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  theirs.key('k1', 'g');
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const peer = await newPeer();
  const { syncer, asked, lying, records } = lyingPeerSyncer(t, ours, (range) => [
    ...rangeResponse(theirs.chain, range).map(decodeBlockMessage),
    stranger(2n),
  ]);
  syncer.onStatus(peer, bigClaim(ours));
  await syncer.idle();
  t.equal(ours.chain.tip.hex, theirs.chain.tip.hex, 'k1 connected');
  t.match(
    records.filter((r) => r.msg === RESTING),
    [{ why: 'unconnectable', misses: 1, restMs: MISS_BACKOFF_MS }],
  );
  const before = asked.length;
  for (let i = 0; i < 10; i++) syncer.onStatus(peer, bigClaim(ours));
  await syncer.idle();
  t.equal(asked.length, before, 'resting: its statuses start no request');
  t.same(lying, []);
});

test('an honest peer that once has less than it claimed (a reorg) rests a moment, is asked again after its next status, and stays connected', async (t) => {
  const theirs = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  theirs.key('k1', 'g');
  theirs.key('k2', 'k1');
  theirs.key('k3', 'k2');
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const peer = await newPeer();
  let calls = 0;
  const { syncer, clock, lying, records } = lyingPeerSyncer(t, ours, (range) =>
    calls++ === 0 ? [] : rangeResponse(theirs.chain, range).map(decodeBlockMessage),
  );
  syncer.onStatus(peer, ourStatus(theirs.chain, theirs.entry('g').id));
  await syncer.idle();
  t.match(
    records.filter((r) => r.msg === RESTING),
    [{ why: 'empty-range', misses: 1 }],
  );
  t.equal(ours.chain.tip.keyHeight, 0n, 'nothing yet');
  // Its next status, after the rest and the once-a-second bound on what a status may start.
  clock.ms += Math.max(MISS_BACKOFF_MS, STATUS_KICK_MS);
  syncer.onStatus(peer, ourStatus(theirs.chain, theirs.entry('g').id));
  await syncer.idle();
  t.equal(ours.chain.tip.hex, theirs.chain.tip.hex, 'synced after the rest');
  t.same(lying, [], 'not disconnected');
});

test('status flood: 100 statuses from one peer within a second start one sync round; the next second, one more', async (t) => {
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const peer = await newPeer();
  // It claims more work at height 0 and answers with the genesis block we have: no miss, no progress.
  const { syncer, clock, asked, lying } = lyingPeerSyncer(t, ours, (range) =>
    rangeResponse(ours.chain, range).map(decodeBlockMessage),
  );
  const claim = { ...bigClaim(ours), tipKeyHeight: 0n };
  for (let i = 0; i < 100; i++) {
    syncer.onStatus(peer, claim);
    await syncer.idle();
    clock.ms += 5;
  }
  t.equal(asked.length, 1, 'one round, one range');
  clock.ms += STATUS_KICK_MS;
  syncer.onStatus(peer, claim);
  await syncer.idle();
  t.equal(asked.length, 2, 'a second later its status starts another');
  t.same(lying, [], 'answering with blocks, even known ones, is no miss');
});
