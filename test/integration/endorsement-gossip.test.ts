// Endorsement gossip (PROTOCOL.md §10.2) between real nodes on regtest with
// --regtest-bootstrap-stake 1base, so one staked validator (the faucet, 1 ALTO)
// makes the next key block a candidate that waits for endorsements:
//
//   g ── B1 (bootstrap) ── M(stake) ── K (candidate: the faucet owns all five slots)
//
// A is in-process (its EndorsementPool is read directly), C a process that
// connects to A and must get what A relays. Test peers publish raw bytes to A.
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { byteStream } from 'it-byte-stream';
import { test } from 'tap';
import { protocolName } from '../../src/p2p/reqresp.js';
import {
  MAX_BLOCK_MESSAGE,
  decodeBlockMessage,
  encodeIdsRequest,
  frame,
  readFrame,
} from '../../src/p2p/wire.js';
import { decodeKeyBlock, keyBlockId } from '../../src/protocol/key-block.js';
import { toHex } from '../../src/util/bytes.js';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { encodeEndorsement } from '../../src/protocol/endorsement.js';
import { encodeTx } from '../../src/protocol/tx.js';
import { BASE_UNITS_PER_ALTO } from '../../src/protocol/amount.js';
import { endorse } from '../helpers/endorsements.js';
import { getJson, meshed, mineOn, startNetNode, until, type NetNode } from '../helpers/network.js';
import { startTestNode } from '../helpers/node.js';
import { dialNode, peersOf, startTestPeer, type TestPeer } from '../helpers/test-peer.js';
import { FAUCET_SEED, signedTx } from '../helpers/txs.js';
import type { TopicKind } from '../../src/p2p/topics.js';

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

test('endorsements get their §10.2 verdicts; a valid one is pooled and relayed', async (t) => {
  const a = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    {
      p2p: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: [],
        maxPeers: 50,
        // Every test peer dials from 127.0.0.1: no per-address limit.
        maxPeersPerIp: 0,
        allowIps: ['127.0.0.1'],
        banMs: 60_000,
        stallMs: 3000,
      },
      regtestBootstrapStake: 1n,
    },
  );
  const aNet: NetNode = {
    proc: undefined as never,
    url: a.url,
    datadir: a.datadir,
    token: a.token,
    address: a.node.network!.listenAddresses()[0]!,
    peerId: a.node.network!.peerId,
  };
  const c = await startNetNode(t, ['--regtest-bootstrap-stake', '1base', '--bootstrap', aNet.address]);
  // A forwards to mesh peers only: wait until A and C have grafted each other on every topic.
  await until(20_000, 'A and C are meshed', () => meshed([[aNet, c]]));

  // B1 is bootstrap-activated (nothing staked); the faucet stakes 1 ALTO in its epoch.
  const bootstrapKey = await mineOn(aNet);
  const stake = signedTx({ fee: 10n ** 15n, payload: { type: 6, role: 1, amount: BASE_UNITS_PER_ALTO } });
  const submitted = await getJson<{ id: string }>(`${a.url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: Buffer.from(encodeTx(stake)).toString('hex') }),
  });
  await until(20_000, 'the stake confirms', async () => {
    const tx = await getJson<{ status: string }>(`${a.url}/txs/${submitted.id}`);
    return tx.status === 'confirmed';
  });
  const kHex = await mineOn(aNet);
  const k = fromHex(kHex);
  t.ok(a.node.chain.endorsementTarget(k), 'K waits for endorsements on A');
  await until(20_000, 'C holds K as a candidate too', async () => {
    const g = (await peersOf(c)).gossip.keyblock;
    return g.accepted >= 2;
  });

  // blocks-by-id serves the candidate (§10.3: candidates included), so a peer can fetch what it endorses.
  const fetcher = await startTestPeer(t);
  await fetcher.host.dial(multiaddr(aNet.address));
  const stream = await fetcher.host.dialProtocol(
    peerIdFromString(aNet.peerId),
    protocolName('regtest', 'blocks-by-id'),
  );
  const bytes = byteStream(stream);
  await bytes.write(frame(encodeIdsRequest([k])));
  const served = decodeBlockMessage((await readFrame(bytes, MAX_BLOCK_MESSAGE))!);
  t.equal(served.kind, 'key', 'blocks-by-id answers a candidate');
  if (served.kind !== 'unknown')
    t.equal(toHex(keyBlockId(decodeKeyBlock(served.bytes).header)), kHex, 'it is K');
  stream.abort(new Error('done'));

  const counts = async (node: NetNode, kind: TopicKind = 'endorsement') => (await peersOf(node)).gossip[kind];
  /** Publishes `bytes` from `peer` and waits for A's verdict; returns which counter moved. */
  const verdictOf = async (peer: TestPeer, bytes: Uint8Array, node: NetNode = aNet): Promise<string> => {
    const before = await counts(node);
    t.equal(await peer.publish('endorsement', bytes), 1, 'sent to A');
    let moved = '';
    await until(10_000, 'the node judges the endorsement', async () => {
      const now = await counts(node);
      for (const key of ['accepted', 'ignored', 'rejected', 'dropped'] as const) {
        if (now[key] > before[key]) moved = key;
      }
      return moved !== '';
    });
    return moved;
  };
  const freshPeer = async (node: NetNode = aNet): Promise<TestPeer> => {
    const peer = await startTestPeer(t);
    await dialNode(peer, node);
    return peer;
  };

  const peer = await freshPeer();
  // [IGNORE] An unknown key block, and a bootstrap (never a candidate) key block.
  t.equal(
    await verdictOf(peer, encodeEndorsement(endorse(new Uint8Array(32).fill(7), 0, FAUCET_SEED))),
    'ignored',
  );
  t.equal(
    await verdictOf(peer, encodeEndorsement(endorse(fromHex(bootstrapKey), 0, FAUCET_SEED))),
    'ignored',
  );

  // [ACCEPT] The faucet's endorsement of slot 0: in A's pool, relayed to C, which pools it too.
  const valid = endorse(k, 0, FAUCET_SEED);
  t.equal(await verdictOf(peer, encodeEndorsement(valid)), 'accepted');
  t.equal(a.node.endorsements.count(k), 1, "in A's pool");
  t.same(
    a.node.endorsements.section(k).map((e) => [e.index, Buffer.from(e.validatorKey).toString('hex')]),
    [[0, Buffer.from(getPublicKey(FAUCET_SEED)).toString('hex')]],
  );
  await until(
    10_000,
    'C gets the relayed endorsement and accepts it',
    async () => (await counts(c)).accepted === 1,
  ).catch(async (error: unknown) => {
    t.comment(JSON.stringify(await peersOf(c)));
    throw error;
  });

  // [IGNORE] (K, 0) is held: another key's endorsement of slot 0 is a duplicate, not a wrong slot.
  const other = new Uint8Array(32).fill(0x42);
  t.equal(await verdictOf(peer, encodeEndorsement(endorse(k, 0, other))), 'ignored');
  t.equal(a.node.endorsements.count(k), 1, 'the duplicate changed nothing');

  // [REJECT] Each from its own peer, as a REJECT bans the sender: K.prev is on A's best chain.
  const wrongSlot = await freshPeer();
  t.equal(await verdictOf(wrongSlot, encodeEndorsement(endorse(k, 1, other))), 'rejected', 'wrong slot');
  const badSig = await freshPeer();
  const signed = endorse(k, 2, FAUCET_SEED);
  const sig = Uint8Array.from(signed.sig);
  sig[40]! ^= 1;
  t.equal(await verdictOf(badSig, encodeEndorsement({ ...signed, sig })), 'rejected', 'bad signature');
  // Stateless failures, judged by C (it holds K too): a third ban from one address discourages it
  // at A, which then refuses further dials from 127.0.0.1.
  const malformed = await freshPeer(c);
  t.equal(await verdictOf(malformed, encodeEndorsement(signed).subarray(0, 128), c), 'rejected', 'malformed');
  const oversize = await freshPeer(c);
  const big = new Uint8Array(130);
  big.set(encodeEndorsement(signed));
  t.equal(await verdictOf(oversize, big, c), 'rejected', 'oversize');
  t.equal(a.node.endorsements.count(k), 1, 'nothing invalid reached the pool');
  const banned = [...(await peersOf(aNet)).banned, ...(await peersOf(c)).banned];
  for (const [p, code] of [
    [wrongSlot, 'wrong-slot'],
    [badSig, 'bad-endorsement-signature'],
    [malformed, 'bad-encoding'],
    [oversize, 'oversize'],
  ] as const) {
    t.equal(banned.find((b) => b.peer === p.id)?.reason, code, `banned for ${code}`);
  }
  t.equal((await counts(c)).accepted, 1, 'C got only the valid one');
  t.equal((await counts(c)).rejected, 2, 'C rejected the malformed and the oversize ones only');
});
