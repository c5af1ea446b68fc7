// Side-branch microblocks against real node processes (PROTOCOL.md §10.2): they
// are checked under §3.3 rules 1–4 only and relayed, since they are Poison
// evidence (§3.9). A body altered by a third party breaks rule 6, which binds
// the body to the signed header, but none of rules 1–4: an honest node relays
// such a copy, so relaying it must cost nobody a ban, and the copy must
// neither be stored nor condemn the id that the genuine body carries.
import { test } from 'tap';
import { checkMicroblockSize, checkMicroblockTxBinding } from '../../src/consensus/microblock-rules.js';
import { encodeKeyBlock, keyBlockId, type KeyBlock } from '../../src/protocol/key-block.js';
import { encodeMicroblock, microblockId, type Microblock } from '../../src/protocol/microblock.js';
import { txId } from '../../src/protocol/tx.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { converged, digest, getJson, mineOn, startNetNode, until, type NetNode } from '../helpers/network.js';
import { dialNode, peersOf, startTestPeer, type GossipCounts } from '../helpers/test-peer.js';
import { transfer } from '../helpers/txs.js';
import { ruleCode } from '../helpers/rule-code.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** GET /blocks/<id> as far as this test reads it. */
interface BlockView {
  readonly time: number;
  readonly bestChain: boolean;
  readonly txs?: readonly string[];
  readonly hex: string;
}

/** Longer than a gossipsub heartbeat: a message the honest node got but did not forward is lost by then. */
const RELAY_PATIENCE_MS = 3000;

const blockStatus = async (node: NetNode, id: string): Promise<number> =>
  (await fetch(`${node.url}/blocks/${id}`)).status;

/** Whether `node` has accepted or rejected a microblock since its counts were `before`. */
async function judgedSince(node: NetNode, before: GossipCounts): Promise<boolean> {
  const now = (await peersOf(node)).gossip.microblock;
  return now.accepted + now.rejected > before.accepted + before.rejected;
}

test('side branch (§10.2): a microblock with an altered body is checked under rules 1–4 only and relayed; nobody is banned', async (t) => {
  //   g -> k1 -> k2                 H mines; V follows H, its only peer
  //          \-> k2x -> m0x         X (a test peer dialled to H only) mines k2x, equal work: a side branch,
  //                                 then gossips m0x with its two transactions swapped, then as signed
  const honest = await startNetNode(t);
  const victim = await startNetNode(t, ['--bootstrap', honest.address]);
  const k1 = await mineOn(honest);
  const k2 = await mineOn(honest);
  await until(10_000, 'the victim follows the honest node', () => converged([honest, victim]));
  const sender = await startTestPeer(t);
  await dialNode(sender, honest);

  const k1View = await getJson<BlockView>(`${honest.url}/blocks/${k1}`);
  // §3.5 rule 5: after the median time past of g, k1, which is k1's time.
  const time = Math.max(Math.floor(Date.now() / 1000), k1View.time + 1);
  const candidate = (tag: number): KeyBlock =>
    mineKeyBlock({
      prev: Buffer.from(k1, 'hex'),
      height: 2n,
      time,
      body: { aux: new Uint8Array(32).fill(tag) },
    });
  // The honest node forwards a peer's message to its gossipsub mesh only, which takes the victim in at
  // the first heartbeat (1 s) after they connect: a message that comes before is never relayed. So the
  // sender publishes k2x with a new aux tag until one reaches the victim; the graft that let it through
  // covered every topic at once, so the microblocks below are relayed too.
  let k2x = candidate(0x58);
  let publishedAt = performance.now();
  t.equal(await sender.publish('keyblock', encodeKeyBlock(k2x)), 1, 'k2x published to the honest node');
  await until(20_000, 'a k2x reaches the victim through the honest node', async () => {
    if ((await blockStatus(victim, hex(keyBlockId(k2x.header)))) === 200) return true;
    if (performance.now() - publishedAt > RELAY_PATIENCE_MS) {
      k2x = candidate(k2x.body.aux[0]! + 1);
      publishedAt = performance.now();
      await sender.publish('keyblock', encodeKeyBlock(k2x));
    }
    return false;
  });
  const k2xId = hex(keyBlockId(k2x.header));
  t.comment(`k2x reached the victim on attempt ${k2x.body.aux[0]! - 0x57}`);
  t.notOk((await getJson<BlockView>(`${victim.url}/blocks/${k2xId}`)).bestChain, 'k2x is on a side branch');
  t.equal((await digest(victim)).tip.id, k2, 'k2 stays the tip: equal work, first seen');

  // m0x, signed by k2x's leader key (LEADER_SEED), carries two transfers; the altered copy swaps them.
  const genuine = buildMicroblock({
    keyBlockId: keyBlockId(k2x.header),
    keyHeight: 2n,
    seq: 0,
    timeMs: BigInt(k2x.header.time) * 1000n + 1n,
    txs: [
      transfer(new Uint8Array(20).fill(0xa1), 1000n, { nonce: 0n }),
      transfer(new Uint8Array(20).fill(0xa2), 2000n, { nonce: 1n }),
    ],
  });
  const altered: Microblock = { ...genuine, txs: [genuine.txs[1]!, genuine.txs[0]!] };
  const id = hex(microblockId(genuine.header));
  t.equal(hex(microblockId(altered.header)), id, 'the altered copy has the same header, so the same id');
  t.equal(
    ruleCode(() => {
      checkMicroblockSize(altered, encodeMicroblock(altered).length);
    }),
    undefined,
    'it passes rule 1: size, tx_count and act_hash are intact',
  );
  t.equal(
    ruleCode(() => {
      checkMicroblockTxBinding(altered);
    }),
    'mutated',
    'it fails rule 6: tx_root no longer matches',
  );

  const honestBefore = (await peersOf(honest)).gossip.microblock;
  const victimBefore = (await peersOf(victim)).gossip.microblock;
  t.equal(await sender.publish('microblock', encodeMicroblock(altered)), 1, 'published to the honest node');
  await until(10_000, 'the honest node judges the altered copy', () => judgedSince(honest, honestBefore));
  const honestView = await peersOf(honest);
  t.equal(honestView.gossip.microblock.accepted, honestBefore.accepted + 1, 'the honest node accepts it');
  t.equal(honestView.gossip.microblock.rejected, honestBefore.rejected, 'and rejects nothing');
  t.same(honestView.banned, [], 'the honest node bans nobody: not the sender');
  t.ok(
    honestView.peers.some((p) => p.id === sender.id),
    'the sender is still connected to the honest node',
  );
  await until(10_000, 'the victim judges the copy the honest node relays', () =>
    judgedSince(victim, victimBefore),
  );
  const victimView = await peersOf(victim);
  t.equal(
    victimView.gossip.microblock.accepted,
    victimBefore.accepted + 1,
    'the victim accepts it as relayed',
  );
  t.equal(victimView.gossip.microblock.rejected, victimBefore.rejected, 'and rejects nothing');
  t.same(victimView.banned, [], 'the victim bans nobody: not the honest node that relayed it');
  t.ok(
    victimView.peers.some((p) => p.id === honest.peerId),
    'the honest node is still connected to the victim',
  );
  t.equal(await blockStatus(honest, id), 404, 'its body does not bind: not stored on the honest node');
  t.equal(await blockStatus(victim, id), 404, 'nor on the victim');

  // The genuine m0x, same id: the altered copy condemned nothing.
  t.equal(await sender.publish('microblock', encodeMicroblock(genuine)), 1, 'the genuine m0x published');
  await until(
    10_000,
    'the victim stores the genuine m0x',
    async () => (await blockStatus(victim, id)) === 200,
  );
  const stored = await getJson<BlockView>(`${victim.url}/blocks/${id}`);
  t.equal(stored.hex, hex(encodeMicroblock(genuine)), 'the victim stores the genuine body');
  t.same(
    stored.txs,
    genuine.txs.map((tx) => hex(txId(tx))),
    'in its signed order',
  );
  t.notOk(stored.bestChain, 'on the side branch');
  t.equal(await blockStatus(honest, id), 200, 'the honest node stores it too');
  const honestAfter = await peersOf(honest);
  const victimAfter = await peersOf(victim);
  t.equal(honestAfter.gossip.microblock.accepted, honestBefore.accepted + 2, 'the honest node accepts it');
  t.equal(victimAfter.gossip.microblock.accepted, victimBefore.accepted + 2, 'and relays it to the victim');
  t.equal(honestAfter.gossip.microblock.rejected, honestBefore.rejected, 'no rejection on the honest node');
  t.equal(victimAfter.gossip.microblock.rejected, victimBefore.rejected, 'nor on the victim');
  t.same([honestAfter.banned, victimAfter.banned], [[], []], 'still nobody banned');
  t.ok(await converged([honest, victim]), 'both keep k2 as the tip');
  t.equal((await digest(honest)).tip.id, k2, 'k2');
});
