import { generateKeyPair } from '@libp2p/crypto/keys';
import { test } from 'tap';
import { P2pNetwork } from '../../src/p2p/network.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { fromHex } from '../../src/util/bytes.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { captureLog } from '../helpers/log-capture.js';
import { until } from '../helpers/network.js';
import { GENESIS_ID, dialNode, startTestPeer } from '../helpers/test-peer.js';
import {
  OUTBOUND_SLOTS,
  afterOpen,
  allowList,
  inboundLimit,
  outboundReserve,
  parseAllowEntry,
  preferredConnection,
  refuseInbound,
  selectEviction,
  type SlotConnection,
  type SlotOptions,
  type Standing,
} from '../../src/p2p/slots.js';

const SELF = 'peer-m';
const IDLE: Standing = { score: 0, lastBlockMs: null, lastTxMs: null };
const idle = (): Standing => IDLE;
const options = (over: Partial<SlotOptions> = {}): SlotOptions => ({
  maxPeers: 50,
  maxPeersPerIp: 4,
  exempt: () => false,
  ...over,
});

/** An inbound connection of `peer`, opened at `openedMs`, from `ip`. */
function inbound(peer: string, openedMs: number, ip = '10.0.0.1'): SlotConnection {
  return { id: `c-${peer}-${openedMs}`, peer, ip, direction: 'inbound', openedMs };
}

/** `count` inbound peers, each from its own address, opened at 1, 2, … */
function crowd(count: number, prefix = 'p'): SlotConnection[] {
  return Array.from({ length: count }, (_, i) =>
    inbound(`${prefix}${i}`, i + 1, `10.1.${i >> 8}.${i & 255}`),
  );
}

test('outbound-reserve: inbound peers leave min(8, max-peers/4) slots for our own dials', (t) => {
  t.equal(outboundReserve(50), OUTBOUND_SLOTS);
  t.equal(inboundLimit(50), 42);
  t.equal(inboundLimit(16), 12);
  t.equal(inboundLimit(3), 3, 'a tiny node reserves nothing rather than refusing every inbound peer');
  t.equal(inboundLimit(1), 1);
  t.end();
});

test('duplicate-connection: a peer already connected is refused at the gater, in either direction', (t) => {
  const held = [inbound('a', 1), { ...inbound('b', 2), direction: 'outbound' as const }];
  t.same(refuseInbound(held, 'a', '10.0.0.1', options()), {
    reason: 'duplicate-connection',
    detail: 'already connected',
  });
  t.equal(refuseInbound(held, 'b', '10.0.0.2', options())?.reason, 'duplicate-connection');
  t.equal(refuseInbound(held, 'c', '10.0.0.3', options()), null);
  t.end();
});

test('duplicate-connection: of two inbound connections that passed the gater at once, the newer is closed', (t) => {
  const first = inbound('a', 1);
  const second = inbound('a', 5);
  t.same(afterOpen([first, second], second, SELF, idle, options()), [
    { kind: 'close', connection: second.id, peer: 'a', reason: 'duplicate-connection' },
  ]);
  t.end();
});

test('duplicate-connection: after a simultaneous dial both ends keep the same connection', (t) => {
  // m dialled z while z dialled m: m sees its dial as outbound, z sees the same one as inbound.
  const mDialled = { id: 'x', openedMs: 10 };
  const zDialled = { id: 'y', openedMs: 9 };
  const atM: SlotConnection[] = [
    { ...mDialled, peer: 'z', ip: '10.0.0.9', direction: 'outbound' },
    { ...zDialled, peer: 'z', ip: '10.0.0.9', direction: 'inbound' },
  ];
  const atZ: SlotConnection[] = [
    { id: 'x', peer: 'm', ip: '10.0.0.1', direction: 'inbound', openedMs: 11 },
    { id: 'y', peer: 'm', ip: '10.0.0.1', direction: 'outbound', openedMs: 8 },
  ];
  t.equal(preferredConnection(atM, 'm').id, 'x', 'm, whose id sorts first, keeps the one it dialled');
  t.equal(preferredConnection(atZ, 'z').id, 'x', 'and so does z');
  t.end();
});

test('too-many-from-ip: one address holds at most max-peers-per-ip inbound peers', (t) => {
  const four = [1, 2, 3, 4].map((i) => inbound(`p${i}`, i, '10.0.0.7'));
  t.same(refuseInbound(four, 'p5', '10.0.0.7', options()), {
    reason: 'too-many-from-ip',
    detail: '4 of 4 from 10.0.0.7',
  });
  t.equal(refuseInbound(four, 'p5', '10.0.0.8', options()), null, 'another address is free');
  t.equal(refuseInbound(four, 'p5', '10.0.0.7', options({ maxPeersPerIp: 0 })), null, '0: no limit');
  const outbound = four.map((c) => ({ ...c, direction: 'outbound' as const }));
  t.equal(refuseInbound(outbound, 'p5', '10.0.0.7', options()), null, 'our own dials do not count');
  const exempt = allowList(['10.0.0.0/24']);
  t.equal(
    refuseInbound(four, 'p5', '10.0.0.7', options({ exempt })),
    null,
    'an allow-listed range is exempt',
  );
  t.end();
});

test('too-many-from-ip: two peers of one address that pass the gater at once, the one over the limit is hung up on', (t) => {
  const five = [1, 2, 3, 4, 5].map((i) => inbound(`p${i}`, i, '10.0.0.7'));
  t.same(afterOpen(five, five[4]!, SELF, idle, options()), [
    { kind: 'disconnect', peer: 'p5', reason: 'too-many-from-ip', detail: '5 of 4 from 10.0.0.7' },
  ]);
  t.end();
});

test('evicted: with the inbound slots full, a newcomer takes the slot of the youngest peer of the most crowded address', (t) => {
  // 42 peers: 38 and the youngest of all on their own addresses, 3 sharing 10.9.9.9.
  const shared = [
    inbound('s1', 50, '10.9.9.9'),
    inbound('s2', 60, '10.9.9.9'),
    inbound('s3', 45, '10.9.9.9'),
  ];
  const held = [...crowd(38), ...shared, inbound('lone', 70, '10.7.7.7')];
  const newcomer = inbound('new', 100, '10.5.5.5');
  t.same(afterOpen([...held, newcomer], newcomer, SELF, idle, options()), [
    {
      kind: 'disconnect',
      peer: 's2',
      reason: 'evicted',
      detail: 'inbound slots full (42 of 42): room for new',
    },
  ]);
  t.same(afterOpen(held, held.at(-1)!, SELF, idle, options()), [], 'at the limit, nobody goes');
  t.end();
});

test('evicted: the best-scored, the last to relay blocks and transactions and the longest-connected half are spared', (t) => {
  const held = crowd(42);
  const standing = (peer: string): Standing => {
    const i = Number(peer.slice(1));
    if (i >= 38) return { ...IDLE, score: 5 + i }; // the 4 youngest score best
    if (i >= 34) return { ...IDLE, lastBlockMs: 1000 + i }; // the next 4 gave blocks
    if (i >= 30) return { ...IDLE, lastTxMs: 1000 + i }; // the next 4 gave transactions
    return IDLE;
  };
  const newcomer = inbound('new', 100, '10.5.5.5');
  const victim = selectEviction([...held, newcomer], 'new', standing, options());
  // Left after sparing 12: p0..p29; the older half p0..p14 is spared too, so the youngest left is p29.
  t.equal(victim, 'p29');
  t.end();
});

test('evicted: a peer with a negative gossip score goes before any idle one, however long connected', (t) => {
  const held = crowd(42);
  const standing = (peer: string): Standing => (peer === 'p20' ? { ...IDLE, score: -3 } : IDLE);
  t.equal(selectEviction([...held, inbound('new', 100)], 'new', standing, options()), 'p20');
  t.end();
});

test('evicted: of the unprotected, a peer from a discouraged address goes first, before a negative score', (t) => {
  const held = crowd(42);
  const standing = (peer: string): Standing => (peer === 'p20' ? { ...IDLE, score: -3 } : IDLE);
  const discouraged = (ip: string): boolean => ip === held[35]!.ip || ip === held[3]!.ip;
  t.equal(
    selectEviction([...held, inbound('new', 100)], 'new', standing, options({ discouraged })),
    'p35',
    'before the negative-scored p20; p3 is in the longest-connected half, spared',
  );
  t.end();
});

test('evicted: an allow-listed peer is never evicted', (t) => {
  const held = [inbound('friend', 50, '192.168.1.5'), inbound('other', 1, '10.0.0.1')];
  const exempt = allowList(['192.168.1.5']);
  t.equal(selectEviction(held, 'new', idle, options({ exempt })), 'other', 'the one candidate goes');
  const more = [...held, inbound('young', 60, '10.0.0.2'), inbound('old', 2, '10.0.0.3')];
  t.equal(selectEviction(more, 'new', idle, options({ exempt })), 'young');
  t.end();
});

test('inbound-full: when every inbound peer is spared, the newcomer is hung up on', (t) => {
  const held = [inbound('a', 1, '10.0.0.1'), inbound('b', 2, '10.0.0.2')];
  const newcomer = inbound('new', 3, '10.0.0.3');
  const standing = (peer: string): Standing => (peer === 'new' ? IDLE : { ...IDLE, score: 10 });
  t.same(afterOpen([...held, newcomer], newcomer, SELF, standing, options({ maxPeers: 2 })), [
    { kind: 'disconnect', peer: 'new', reason: 'inbound-full', detail: 'inbound slots full (2 of 2)' },
  ]);
  t.end();
});

test('evicted: our own dial past max-peers takes an inbound peer slot; within it, nobody goes', (t) => {
  const held = [
    ...crowd(42),
    ...Array.from({ length: 8 }, (_, i) => ({
      ...inbound(`o${i}`, 200 + i),
      direction: 'outbound' as const,
    })),
  ];
  const dial: SlotConnection = { ...inbound('dial', 300), direction: 'outbound' };
  t.same(afterOpen(held, held.at(-1)!, SELF, idle, options()), []);
  const [action] = afterOpen([...held, dial], dial, SELF, idle, options());
  t.match(action, { kind: 'disconnect', peer: 'p41', reason: 'evicted' });
  t.end();
});

test('allow-ip: addresses and CIDR ranges of both families, nothing else', (t) => {
  t.same(parseAllowEntry('127.0.0.1'), { address: '127.0.0.1', prefix: null });
  t.same(parseAllowEntry('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8 });
  t.same(parseAllowEntry('fd00::/8'), { address: 'fd00::', prefix: 8 });
  for (const bad of ['', 'localhost', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/1', '::1/129', '1.2.3']) {
    t.equal(parseAllowEntry(bad), null, bad);
  }
  const allowed = allowList(['10.0.0.0/8', '::1', '192.168.1.7']);
  t.ok(allowed('10.200.3.4'));
  t.ok(allowed('::1'));
  t.ok(allowed('192.168.1.7'));
  t.notOk(allowed('192.168.1.8'));
  t.notOk(allowed('127.0.0.1'), 'loopback only when listed');
  t.notOk(allowed(''));
  t.end();
});

test('evicted: a peer that relays a new block first is marked for sparing, one that sends nothing is not', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const network = await P2pNetwork.start(
    {
      network: 'regtest',
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      maxPeers: 16,
      banMs: 60_000,
      stallMs: 3000,
    },
    {
      chain: h.chain,
      genesisId: fromHex(REGTEST.genesis.id),
      addBlock: (block) => h.chain.add(block),
      addTx: () => undefined,
      logger: captureLog().logger,
      now: () => Date.now(),
    },
  );
  t.teardown(() => network.stop());
  const node = { address: network.listenAddresses()[0]!, peerId: network.peerId };
  const relayer = await startTestPeer(t);
  const quiet = await startTestPeer(t);
  await dialNode(relayer, node);
  await dialNode(quiet, node);
  const block = mineKeyBlock({ prev: GENESIS_ID, height: 1n, time: Math.floor(Date.now() / 1000) });
  t.equal(await relayer.publish('keyblock', encodeKeyBlock(block)), 1);
  await until(5000, 'the node notes who relayed the block', () =>
    Promise.resolve(network.standing(relayer.id).lastBlockMs !== null),
  );
  t.same(network.standing(quiet.id), {
    score: network.standing(quiet.id).score,
    lastBlockMs: null,
    lastTxMs: null,
  });
  t.equal(network.standing(relayer.id).lastTxMs, null, 'a block is not a transaction');
});
