// A flooding peer in its own process, so its work (building, encrypting and
// hashing megabyte messages) does not share an event loop with the test that
// measures the victim. Run with the test's own execArgv (the TypeScript
// loader): `node …execArgv flood-peer.ts <victim multiaddr> <count> <per second> [network]`.
// It prints {"ready":true} once connected; each line `go` on stdin starts the
// flood (paced from then on), `stop` pauses it; stdin closing ends it, and it
// prints {"sent":N} before it exits.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseNetworkFlag } from '../../src/node/config.js';
import { encodeMicroblock } from '../../src/protocol/microblock.js';
import { buildMicroblock } from './blocks.js';
import { signedTransfers } from './flood.js';
import { dialNode, startTestPeer } from './test-peer.js';

const [address, countText, rateText, networkText = 'regtest'] = process.argv.slice(2);
if (address === undefined || countText === undefined || rateText === undefined) {
  throw new Error('usage: flood-peer.ts <victim multiaddr> <count> <per second> [network]');
}
const network = parseNetworkFlag(networkText);
const teardowns: (() => unknown)[] = [];
const peer = await startTestPeer({ teardown: (fn) => teardowns.push(fn) }, undefined, network);
const txs = signedTransfers();
// Near-full microblocks on made-up parents: orphans, all different (the flood cycles through them,
// and gossipsub drops a repeat within its seen-cache time, so there are enough for a long flood).
const orphans = Array.from({ length: Number(countText) }, () =>
  encodeMicroblock(
    buildMicroblock({ keyBlockId: randomBytes(32), prev: randomBytes(32), timeMs: BigInt(Date.now()), txs }),
  ),
);
await dialNode(peer, { address, peerId: address.split('/p2p/')[1]! });
console.log(JSON.stringify({ ready: true }));
const lines = createInterface({ input: process.stdin });
const intervalMs = 1000 / Number(rateText);
let sent = 0;
const flood: { timer: NodeJS.Timeout | null } = { timer: null };
const stop = (): void => {
  if (flood.timer !== null) clearInterval(flood.timer);
  flood.timer = null;
};
lines.on('line', (line) => {
  if (line === 'go' && flood.timer === null) {
    flood.timer = setInterval(() => {
      void peer.publish('microblock', orphans[sent++ % orphans.length]!);
    }, intervalMs);
  } else if (line === 'stop') {
    stop();
  }
});
await once(lines, 'close');
stop();
console.log(JSON.stringify({ sent }));
for (const fn of teardowns) await fn();
process.exit(0);
