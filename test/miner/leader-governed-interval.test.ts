// The leader paces its microblocks by the larger of its own interval and the
// MIN_MICROBLOCK_INTERVAL in force at the tip (§3.3 rule 4, §8.3): once
// governance raised it, a leader still configured for 0.5 s keeps its
// microblocks valid rather than having them refused as microblock-too-soon.
import { test } from 'tap';
import { PARAM_MIN_MICROBLOCK_INTERVAL } from '../../src/consensus/governed-params.js';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { Leader } from '../../src/miner/leader.js';
import { REGTEST } from '../../src/protocol/params.js';
import { createLogger } from '../../src/util/logger.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { scheduleChange } from '../helpers/scheduled-change.js';
import { transfer } from '../helpers/txs.js';

const NODE_SEED = new Uint8Array(32).fill(0x77);
const BOB = new Uint8Array(20).fill(0xb0);
const RAISED = 3000n;

test('a leader configured for 0.5 s spaces its microblocks by the raised interval in force', (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  scheduleChange(h.storage, {
    proposalId: new Uint8Array(32).fill(0x55),
    paramId: PARAM_MIN_MICROBLOCK_INTERVAL,
    value: RAISED,
    applyHeight: 1n,
  });
  const txs = [transfer(BOB, 1n), transfer(BOB, 2n, { nonce: 1n }), transfer(BOB, 3n, { nonce: 2n })];
  const block = mineKeyBlock({
    prev: h.chain.tip.id,
    height: 1n,
    time: REGTEST.genesis.time + 60,
    leaderKey: getPublicKey(NODE_SEED),
  });
  t.equal(h.chain.add({ kind: 'key', block }), 'connected');
  const keyTimeMs = Number(h.chain.tip.timeMs);
  // The clock just after the key block: the header times come from the interval, not the clock.
  const now = { ms: keyTimeMs + 100 };
  const leader = new Leader(
    { seed: NODE_SEED, intervalMs: 500 },
    {
      chain: h.chain,
      txs: {
        select: () => txs.splice(0, 1),
        get count() {
          return txs.length;
        },
      },
      params: REGTEST,
      now: () => now.ms,
      logger: createLogger({ level: 'silent' }),
      submit: (micro) => h.chain.add({ kind: 'micro', block: micro }),
      durable: () => Promise.resolve(),
      broadcast: () => undefined,
      ownCandidateOn: () => false,
    },
  );
  t.teardown(() => {
    leader.stop();
  });
  let parentMs = BigInt(keyTimeMs);
  for (const seq of [0, 1, 2]) {
    t.ok(leader.publish(), `seq ${seq} accepted`);
    const tip = h.chain.tip;
    t.equal(tip.kind === 'micro' && tip.seq, seq);
    t.equal(tip.timeMs - parentMs, RAISED, `seq ${seq}: ${RAISED} ms after its parent, not 500`);
    parentMs = tip.timeMs;
  }
  t.end();
});
