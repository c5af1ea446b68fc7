import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { until } from '../helpers/network.js';
import { startTestNode } from '../helpers/node.js';

interface MiningStatus {
  readonly height: number;
  readonly mining: boolean;
  readonly hashRate: number;
  readonly pacedForS: number | null;
}

test('hash-rate-while-hashing: GET /status of a paced miner gives its rate while hashing and when it mines again', async (t) => {
  const { url, node } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    {
      mine: true,
      payout: encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x5a)),
      blockIntervalMs: 60_000,
    },
  );
  const status = async (): Promise<MiningStatus> =>
    (await (await fetch(`${url}/status`)).json()) as MiningStatus;
  // The tip is old genesis: the first block is mined at once, then the miner waits 60 s.
  await until(30_000, 'the first key block', async () => (await status()).height === 1);
  const s = await status();
  t.equal(s.mining, true);
  t.ok(s.hashRate > 20, `${s.hashRate.toFixed(1)} H/s while hashing`);
  t.ok(s.pacedForS !== null && s.pacedForS > 50 && s.pacedForS <= 60, `paced for ${s.pacedForS} s`);
  t.match(node.statusLine(), /H\/s \(paced: mining again in \d+ s\)/);
});
