import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { test, type Test } from 'tap';
import type { AnyBlock } from '../../src/chain/chain.js';
import { FETCH_DEPTH, ParentFetcher } from '../../src/p2p/parents.js';
import { encodeBlockMessage, decodeBlockMessage, type BlockMessage } from '../../src/p2p/wire.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { encodeMicroblock } from '../../src/protocol/microblock.js';
import { createLogger } from '../../src/util/logger.js';
import { ChainHarness } from '../helpers/chain-harness.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function message(block: AnyBlock): BlockMessage {
  return decodeBlockMessage(
    block.kind === 'key'
      ? encodeBlockMessage({ kind: 'key', bytes: encodeKeyBlock(block.block) })
      : encodeBlockMessage({ kind: 'micro', bytes: encodeMicroblock(block.block) }),
  );
}

interface Rig {
  /** The node's chain: genesis only at first. */
  readonly ours: ChainHarness;
  readonly fetcher: ParentFetcher;
  readonly peer: string;
  /** The ids the peer was asked, one list per request. */
  readonly asked: string[][];
  readonly invalid: { peer: string; code: string }[];
  readonly fallbacks: string[];
}

/** A fetcher over a fresh chain, asking a peer that answers each id with `answer(id)`. */
async function rig(t: Test, answer: (id: string) => BlockMessage): Promise<Rig> {
  const ours = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const asked: string[][] = [];
  const invalid: { peer: string; code: string }[] = [];
  const fallbacks: string[] = [];
  const fetcher = new ParentFetcher({
    chain: ours.chain,
    addBlock: (block, options) => ours.chain.add(block, options),
    reqresp: {
      blocksById: (to, ids) => {
        t.equal(to.toString(), peer, 'asked of the peer that sent the orphan');
        asked.push(ids.map(hex));
        return Promise.resolve(ids.map((id) => answer(hex(id))));
      },
    },
    peerId: (id) => peerIdFromString(id),
    logger: createLogger({ level: 'silent' }),
    now: () => 0,
    onInvalid: (from, code) => invalid.push({ peer: from, code }),
    fallback: (from) => fallbacks.push(from),
  });
  return { ours, fetcher, peer, asked, invalid, fallbacks };
}

/** The peer's chain, with each block by id. */
function theirs(t: Test): { h: ChainHarness; byId: Map<string, AnyBlock>; id: (name: string) => string } {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const byId = new Map<string, AnyBlock>();
  return {
    h,
    byId,
    id: (name) => {
      const entry = h.entry(name);
      byId.set(entry.hex, h.blocks.get(name)!);
      return entry.hex;
    },
  };
}

test('unknown parent (§10.2): the missing ancestors are fetched by id, one per request, from the sender, and all connect', async (t) => {
  //   g -> k1 -> k2 -> m0 -> k3*     k3 arrives by gossip; the node has only g
  const peerChain = theirs(t);
  peerChain.h.key('k1', 'g');
  peerChain.h.key('k2', 'k1');
  peerChain.h.micro('m0', 'k2');
  peerChain.h.key('k3', 'm0');
  const ids = ['k1', 'k2', 'm0', 'k3'].map(peerChain.id);
  const r = await rig(t, (id) => message(peerChain.byId.get(id)!));

  const k3 = peerChain.h.blocks.get('k3')!;
  t.equal(r.ours.chain.add(k3), 'orphan');
  r.fetcher.onOrphan(r.peer, k3);
  await r.fetcher.idle();
  t.same(r.asked, [[ids[2]], [ids[1]], [ids[0]]], 'm0, then k2, then k1');
  t.equal(r.ours.chain.tip.hex, ids[3], 'k3 is the tip');
  t.equal(hex(r.ours.chain.digest()), hex(peerChain.h.chain.digest()), 'the same state');
  t.same(r.fallbacks, [], 'no handshake needed');
  t.same(r.invalid, []);
});

test(`unknown parent (§10.2): after ${FETCH_DEPTH} orphans fetched by id, the status handshake takes over`, async (t) => {
  //   g -> k1 -> … -> k20*     k20 arrives by gossip; k19 … k4 are fetched, then sync's turn
  const peerChain = theirs(t);
  let parent = 'g';
  for (let i = 1; i <= 20; i++) {
    peerChain.h.key(`k${i}`, parent);
    parent = `k${i}`;
  }
  const ids = Array.from({ length: 20 }, (_, i) => peerChain.id(`k${i + 1}`));
  const r = await rig(t, (id) => message(peerChain.byId.get(id)!));

  const k20 = peerChain.h.blocks.get('k20')!;
  t.equal(r.ours.chain.add(k20), 'orphan');
  r.fetcher.onOrphan(r.peer, k20);
  await r.fetcher.idle();
  t.same(
    r.asked,
    ids
      .slice(20 - 1 - FETCH_DEPTH, 19)
      .reverse()
      .map((id) => [id]),
    `k19 down to k${20 - FETCH_DEPTH}`,
  );
  t.same(r.fallbacks, [r.peer], 'then one status handshake');
  t.equal(r.ours.chain.tip.keyHeight, 0n, 'nothing connected yet: range sync fetches the rest');
  t.same(r.invalid, []);
});

test('bad-encoding: a blocks-by-id answer other than the block asked for is invalid and stops the walk', async (t) => {
  //   g -> k1 -> k2*      asked for k1, the peer answers with x1, another block on g
  const peerChain = theirs(t);
  peerChain.h.key('k1', 'g');
  peerChain.h.key('k2', 'k1');
  peerChain.h.key('x1', 'g', 0x78);
  peerChain.id('x1');
  const r = await rig(t, () => message(peerChain.byId.get(peerChain.h.entry('x1').hex)!));

  const k2 = peerChain.h.blocks.get('k2')!;
  t.equal(r.ours.chain.add(k2), 'orphan');
  r.fetcher.onOrphan(r.peer, k2);
  await r.fetcher.idle();
  t.same(r.invalid, [{ peer: r.peer, code: 'bad-encoding' }]);
  t.equal(r.ours.chain.get(peerChain.h.entry('x1').id), undefined, 'the block not asked for is not added');
  t.same(r.fallbacks, [], 'a peer that breaks the protocol is not asked for its status');
});

test('unknown parent (§10.3): a peer that does not have the parent (0xff) is no fault; the status handshake takes over', async (t) => {
  const peerChain = theirs(t);
  peerChain.h.key('k1', 'g');
  peerChain.h.key('k2', 'k1');
  const r = await rig(t, () => ({ kind: 'unknown' }));

  const k2 = peerChain.h.blocks.get('k2')!;
  t.equal(r.ours.chain.add(k2), 'orphan');
  r.fetcher.onOrphan(r.peer, k2);
  await r.fetcher.idle();
  t.same(r.asked, [[peerChain.id('k1')]]);
  t.same(r.invalid, []);
  t.same(r.fallbacks, [r.peer]);
});

test('unknown parent: two orphans waiting on the same parent ask for it once', async (t) => {
  //   g -> k1 -> k2a*, k2b*      both arrive by gossip before k1 is fetched
  const peerChain = theirs(t);
  peerChain.h.key('k1', 'g');
  peerChain.h.key('k2a', 'k1', 0x61);
  peerChain.h.key('k2b', 'k1', 0x62);
  peerChain.id('k1');
  const r = await rig(t, (id) => message(peerChain.byId.get(id)!));

  for (const name of ['k2a', 'k2b']) {
    const block = peerChain.h.blocks.get(name)!;
    t.equal(r.ours.chain.add(block), 'orphan');
    r.fetcher.onOrphan(r.peer, block);
  }
  await r.fetcher.idle();
  t.same(r.asked, [[peerChain.h.entry('k1').hex]], 'k1 asked once');
  t.ok(r.ours.chain.get(peerChain.h.entry('k2a').id) !== undefined, 'k2a connected');
  t.ok(r.ours.chain.get(peerChain.h.entry('k2b').id) !== undefined, 'k2b connected');
});
