import { createServer } from 'node:net';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { test, type Test } from 'tap';
import { P2pNetwork } from '../../src/p2p/network.js';
import { fromHex } from '../../src/util/bytes.js';
import { REGTEST } from '../../src/protocol/params.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { captureLog, LEVEL, type LogRecord } from '../helpers/log-capture.js';
import { until } from '../helpers/network.js';
import { startTestPeer } from '../helpers/test-peer.js';

async function startNetwork(
  t: Test,
  bootstrap: readonly string[] = [],
): Promise<{ network: P2pNetwork; records: LogRecord[] }> {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const { logger, records } = captureLog();
  const network = await P2pNetwork.start(
    {
      network: 'regtest',
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      maxPeers: 16,
      banMs: 60_000,
      stallMs: 3000,
    },
    {
      chain: h.chain,
      genesisId: fromHex(REGTEST.genesis.id),
      addBlock: (block, options) => h.chain.add(block, options),
      addTx: () => undefined,
      logger,
      now: () => Date.now(),
    },
  );
  t.teardown(() => network.stop());
  return { network, records };
}

/** A loopback TCP port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

test('peer-connect-log: a peer connecting and disconnecting is logged at info with its id, direction and address', async (t) => {
  const { network, records } = await startNetwork(t);
  const peer = await startTestPeer(t);
  await peer.host.dial(multiaddr(network.listenAddresses()[0]));
  const named = (msg: string): LogRecord[] => records.filter((r) => r.msg === msg && r.peer === peer.id);
  await until(5000, 'the connection is logged', () => Promise.resolve(named('peer connected').length > 0));
  t.match(named('peer connected'), [
    { level: LEVEL.info, direction: 'inbound', address: /^\/ip4\/127\.0\.0\.1\/tcp\/\d+/, peers: 1 },
  ]);
  await peer.host.hangUp(network.host.peerId);
  await until(5000, 'the disconnection is logged', () =>
    Promise.resolve(named('peer disconnected').length > 0),
  );
  t.match(named('peer disconnected'), [
    { level: LEVEL.info, direction: 'inbound', address: /^\/ip4\/127\.0\.0\.1\//, connectedS: Number },
  ]);
});

test('bootstrap-unreachable: a bootstrap address with nothing listening is a warning after the first failed dial; the redials go on at debug level', async (t) => {
  const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const address = `/ip4/127.0.0.1/tcp/${await deadPort()}/p2p/${nobody}`;
  const { records } = await startNetwork(t, [address]);
  const failures = (): LogRecord[] => records.filter((r) => r.address === address);
  // The redial runs every 5 s: wait for the second attempt.
  await until(9000, 'two dials failed', () => Promise.resolve(failures().length >= 2));
  const [first, second] = failures();
  t.match(first, { level: LEVEL.warn, failures: 1, msg: /cannot reach a bootstrap peer/ });
  t.match(second, { level: LEVEL.debug, failures: 2 });
});

test('bootstrap-log: a reachable bootstrap peer connects without a warning and is logged as outbound', async (t) => {
  const peer = await startTestPeer(t);
  const { records } = await startNetwork(t, [peer.address]);
  await until(5000, 'the bootstrap peer is connected', () =>
    Promise.resolve(records.some((r) => r.msg === 'peer connected' && r.peer === peer.id)),
  );
  t.match(
    records.find((r) => r.msg === 'peer connected'),
    { direction: 'outbound' },
  );
  t.same(
    records.filter((r) => r.level >= LEVEL.warn),
    [],
  );
});
