import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { test } from 'tap';
import { ourStatus, rangeResponse } from '../../src/p2p/reqresp.js';
import { Syncer } from '../../src/p2p/sync.js';
import { decodeBlockMessage, type BlockMessage } from '../../src/p2p/wire.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { createLogger } from '../../src/util/logger.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { captureLog, LEVEL } from '../helpers/log-capture.js';

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
