// Bans that last and a banned flooder's backlog, against real node processes
// (PROTOCOL.md §10.2): a ban is kept in the node's database across a restart,
// peers banned from one address make the address discouraged, and the moment
// a peer is banned its queued gossip is dropped without being validated.
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { test } from 'tap';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { DISCOURAGE_AFTER_BANS } from '../../src/p2p/bans.js';
import { REGTEST } from '../../src/protocol/params.js';
import { decodeTx } from '../../src/protocol/tx.js';
import { badSignatureTxs, bansOf, dialIn, flood, restart, validated } from '../helpers/bans.js';
import { dialFrom, startNetNode, until, type NetNode } from '../helpers/network.js';
import { ruleCode } from '../helpers/rule-code.js';
import { banOf, dialNode, startTestPeer, type TestPeer } from '../helpers/test-peer.js';

/**
 * `peer` dials `node`: resolves once the node has refused it (the dial fails,
 * or the connection is closed within 5 s without the node listing the peer);
 * throws if it is let in.
 */
async function refused(peer: TestPeer, node: NetNode): Promise<void> {
  const nodeId = peerIdFromString(node.peerId);
  try {
    await peer.host.dial(multiaddr(node.address));
  } catch {
    return;
  }
  await until(
    5000,
    `${node.peerId} hangs up on ${peer.id}`,
    async () => peer.host.getConnections(nodeId).length === 0,
  );
  if ((await bansOf(node)).peers.some((p) => p.id === peer.id)) throw new Error(`${peer.id} was let in`);
}

test('bad-signature: a banned peer is still banned after the node restarts, with its original expiry, and its dial is refused', async (t) => {
  const victim = await startNetNode(t);
  const hostile = await startTestPeer(t);
  await dialNode(hostile, victim);
  const [bad] = badSignatureTxs(1);
  t.equal(
    ruleCode(() => {
      checkTxSanity(decodeTx(bad!), REGTEST);
    }),
    'bad-signature',
    'the transaction is well formed but its signature does not verify',
  );
  await hostile.publish('tx', bad!);
  t.equal((await banOf(victim, hostile.id)).reason, 'bad-signature');
  const ban = (await bansOf(victim)).banned.find((b) => b.peer === hostile.id)!;
  t.equal(ban.address, '127.0.0.1', 'the ban names the address the peer came from');

  const restarted = await restart(t, victim);
  t.equal(restarted.peerId, victim.peerId, 'the same node');
  t.same(
    (await bansOf(restarted)).banned.find((b) => b.peer === hostile.id),
    ban,
    'GET /peers lists the ban with its original expiry and reason',
  );
  await refused(hostile, restarted);
  t.pass('the banned peer cannot dial in');
  t.same(
    await dialFrom(restarted, hostile.address),
    { status: 400, code: 'dial-failed' },
    'and the node will not dial it',
  );
  t.notOk(
    (await bansOf(restarted)).peers.some((p) => p.id === hostile.id),
    'it is not connected',
  );
});

test(`discouraged: once ${DISCOURAGE_AFTER_BANS} peers from 127.0.0.1 are banned, a new identity from it is refused while half the slots are in use, and let in when there is room`, async (t) => {
  const victim = await startNetNode(t, ['--max-peers', '2']);
  // An honest peer holding one of the two slots: half of them in use.
  const holder = await startTestPeer(t);
  await dialNode(holder, victim);
  const bad = badSignatureTxs(DISCOURAGE_AFTER_BANS);
  for (const [i, tx] of bad.entries()) {
    t.same((await bansOf(victim)).discouraged, [], `${i} bans: not discouraged, so a new identity dials in`);
    const hostile = await startTestPeer(t);
    await dialIn(hostile, victim);
    await hostile.publish('tx', tx);
    t.equal((await banOf(victim, hostile.id)).reason, 'bad-signature');
  }
  const view = await bansOf(victim);
  const firstEnds = Math.min(...view.banned.map((b) => b.until));
  t.same(
    view.discouraged,
    [{ address: '127.0.0.1', bans: DISCOURAGE_AFTER_BANS, until: firstEnds }],
    'GET /peers lists the address as discouraged until the first of the bans ends',
  );

  const fresh = await startTestPeer(t);
  // Dialled again until the gater itself answers: libp2p's own limit of 5 inbound
  // connections a second from one address may refuse the first try before it.
  await until(10_000, 'the node refuses the new identity as discouraged', async () => {
    await refused(fresh, victim);
    return (await bansOf(victim)).disconnected.some((d) => d.peer === fresh.id);
  });
  t.match(
    (await bansOf(victim)).disconnected.filter((d) => d.peer === fresh.id),
    [{ reason: 'discouraged', detail: '127.0.0.1' }],
    'a new identity from the address is refused while half the slots are in use',
  );
  t.notOk(
    (await bansOf(victim)).banned.some((b) => b.peer === fresh.id),
    'refused, not banned: it did nothing wrong',
  );

  await holder.host.hangUp(peerIdFromString(victim.peerId));
  await until(5000, 'the victim has no peer left', async () => (await bansOf(victim)).peers.length === 0);
  await dialIn(fresh, victim);
  t.ok(
    (await bansOf(victim)).peers.some((p) => p.id === fresh.id),
    'with every slot free, the discouraged address is let in',
  );
});

/** Transactions the flooder sends, all with a bad signature. */
const FLOOD = 2000;
/** What the node may still validate of a banned peer's messages: those it was validating when it banned it. */
const AFTER_BAN_MAX = 5;

test(`bad-signature flood: of ${FLOOD} queued transactions, the node validates at most ${AFTER_BAN_MAX} after banning their sender and drops the rest unvalidated`, async (t) => {
  const victim = await startNetNode(t);
  const hostile = await startTestPeer(t);
  await dialNode(hostile, victim);
  const txs = badSignatureTxs(FLOOD);
  const before = (await bansOf(victim)).gossip.tx;

  await flood(hostile, victim, 'tx', txs);
  t.equal((await banOf(victim, hostile.id)).reason, 'bad-signature');
  await until(10_000, 'the tx queue is empty', async () => (await bansOf(victim)).gossip.tx.queued === 0);
  const after = (await bansOf(victim)).gossip.tx;
  const judged = validated(after) - validated(before);
  const purged = after.purged - before.purged;
  t.comment(
    `validated ${judged} (rejected ${after.rejected - before.rejected}), purged ${purged}, ` +
      `dropped ${after.dropped - before.dropped} of ${FLOOD}`,
  );
  t.ok(judged - 1 <= AFTER_BAN_MAX, `${judged - 1} validated after the first rejection banned the sender`);
  // Without the purge each of these would have been validated: far more than AFTER_BAN_MAX means the
  // flood had queued up, so the bound above is not met by an empty queue.
  t.ok(purged > 10 * AFTER_BAN_MAX, `${purged} dropped unvalidated when it was banned`);
});
