// Sync across an endorsed epoch (PROTOCOL.md §3.4, §5.4, §10.3): the range
// carries the non-bootstrap key block E and then its activation microblock E0;
// the syncing node adds E as a candidate (progress, not a stall or a lie) and
// then E0, which connects both.
//
//   theirs: g ── a ── a1 ── E (needs endorsements) ── E0 (M_{h,0}) ── E1 ── b
//   ours:   g
//
// Activation rules the test controls, as in test/chain/candidates.test.ts: key
// blocks whose payout byte is 0xe0 need endorsements, a section "passes" with ≥ 3
// entries in increasing order (the real §5.3 checks are consensus/activity's).
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { test } from 'tap';
import type { AddResult } from '../../src/chain/chain.js';
import { ourStatus, rangeResponse } from '../../src/p2p/reqresp.js';
import { Syncer } from '../../src/p2p/sync.js';
import { decodeBlockMessage, type BlockMessage } from '../../src/p2p/wire.js';
import { REGTEST } from '../../src/protocol/params.js';
import { createLogger } from '../../src/util/logger.js';
import { buildMicroblock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { NEEDS_ENDORSEMENTS, PAYOUT_ACTIVATION, sectionOf } from '../helpers/payout-activation.js';

test('a syncing node adds a candidate, then its M_{h,0}, and reaches the tip', async (t) => {
  const open = (): ChainHarness =>
    ChainHarness.open(
      (fn) => {
        t.teardown(fn);
      },
      undefined,
      REGTEST,
      { activation: PAYOUT_ACTIVATION },
    );
  const theirs = open();
  theirs.key('a', 'g');
  theirs.micro('a1', 'a');
  t.equal(theirs.key('E', 'a1', NEEDS_ENDORSEMENTS), 'candidate');
  const e = theirs.entry('E');
  t.equal(
    theirs.add('E0', {
      kind: 'micro',
      block: buildMicroblock({
        keyBlockId: e.id,
        prev: e.id,
        keyHeight: e.keyHeight,
        seq: 0,
        timeMs: e.timeMs + 1000n,
        activation: sectionOf(0, 2, 4),
      }),
    }),
    'connected',
  );
  theirs.micro('E1', 'E0');
  theirs.key('b', 'E1');

  const ours = open();
  const added: { kind: string; result: AddResult }[] = [];
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const syncer = new Syncer(
    { stallMs: 3000, undoDepth: 4 },
    {
      chain: ours.chain,
      addBlock: (block) => {
        const result = ours.chain.add(block);
        added.push({ kind: block.kind === 'key' ? `key ${block.block.body.payout[0]}` : 'micro', result });
        return result;
      },
      reqresp: {
        async *blocks(_peer, request): AsyncGenerator<BlockMessage> {
          await Promise.resolve();
          if (!('range' in request)) return;
          for (const bytes of rangeResponse(theirs.chain, request.range)) yield decodeBlockMessage(bytes);
        },
      },
      peerId: (id) => peerIdFromString(id),
      logger: createLogger({ level: 'silent' }),
      now: () => Date.now(),
      onInvalid: () => t.fail('no block is invalid'),
      onLying: () => t.fail('the peer is not lying'),
    },
  );
  t.teardown(() => {
    syncer.stop();
  });
  syncer.onStatus(peer, ourStatus(theirs.chain, theirs.entry('g').id));
  await syncer.idle();
  t.equal(ours.chain.tip.hex, theirs.chain.tip.hex, 'synced to b');
  t.equal(ours.digest(), theirs.digest(), 'same state');
  t.same(
    added.map((a) => a.result),
    ['connected', 'connected', 'candidate', 'connected', 'connected', 'connected'],
    'a, a1, E as a candidate, E0 connecting E, E1, b',
  );
  t.equal(added[2]!.kind, `key ${NEEDS_ENDORSEMENTS}`, 'the candidate is E');
});
