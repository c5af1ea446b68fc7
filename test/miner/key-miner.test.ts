import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { KeyMiner } from '../../src/miner/key-miner.js';
import { Mining } from '../../src/miner/mining.js';
import type { SubmitResult } from '../../src/miner/submit.js';
import { keyBlockId, type KeyBlock } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { createLogger } from '../../src/util/logger.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { signedTx } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const NOW_MS = (REGTEST.genesis.time + 10_000_000) * 1000;

interface Mined {
  readonly block: KeyBlock;
  readonly tipBefore: string;
  readonly result: SubmitResult;
  readonly atMs: number;
}

/** A miner on `h`'s chain through a mining service that records each submitted block. */
async function startMiner(
  t: Test,
  h: ChainHarness,
  blockIntervalMs: number,
  onMined: (mined: Mined[]) => void,
): Promise<{ miner: KeyMiner; mined: Mined[] }> {
  const started = Date.now();
  const now = (): number => NOW_MS + (Date.now() - started);
  const mined: Mined[] = [];
  const mining = new Mining(
    { leaderKey: getPublicKey(new Uint8Array(32).fill(9)), payout: undefined },
    { chain: h.chain, params: REGTEST, now, publish: () => undefined },
  );
  t.teardown(() => {
    mining.stop();
  });
  const recording = {
    template: mining.template.bind(mining),
    on: mining.on.bind(mining),
    off: mining.off.bind(mining),
    submit: (block: KeyBlock): SubmitResult => {
      const tipBefore = h.chain.tip.hex;
      const result = mining.submit(block);
      mined.push({ block, tipBefore, result, atMs: now() });
      onMined(mined);
      return result;
    },
  };
  const miner = await KeyMiner.start(
    { threads: 1, payout: new Uint8Array(20).fill(1), blockIntervalMs },
    { chain: h.chain, mining: recording, now, logger: createLogger({ level: 'silent' }) },
  );
  t.teardown(() => miner.stop());
  return { miner, mined };
}

test('every mined key block builds on the tip of its moment, also right after an outside key block', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  let wake = (): void => undefined;
  let outside = '';
  const { mined } = await startMiner(t, h, 0, (m) => {
    if (m.length === 3) {
      // Someone else's key block lands on the tip; the mining service's 'tip' event must move the template.
      const tip = h.chain.tip;
      const block = mineKeyBlock({
        prev: tip.id,
        height: tip.keyHeight + 1n,
        time: tip.epochKey.block.header.time + 1,
        body: { payout: new Uint8Array(20).fill(0xee) },
      });
      t.equal(h.chain.add({ kind: 'key', block }), 'connected');
      outside = hex(keyBlockId(block.header));
    }
    if (m.length === 6) wake();
  });
  await new Promise<void>((resolve) => (wake = resolve));
  for (const m of mined.slice(0, 6)) {
    t.equal(hex(m.block.header.prev), m.tipBefore, `block ${m.block.body.height} builds on the tip it met`);
    t.equal(m.result.result, 'connected');
  }
  t.equal(hex(mined[3]!.block.header.prev), outside, 'the next block builds on the outside one');
});

test('devnet pacing: at least the block interval between our key blocks', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  let wake = (): void => undefined;
  const { mined } = await startMiner(t, h, 300, (m) => {
    if (m.length === 4) wake();
  });
  await new Promise<void>((resolve) => (wake = resolve));
  for (let i = 2; i < mined.length; i++) {
    const gap = mined[i]!.atMs - mined[i - 1]!.atMs;
    t.ok(gap >= 295, `block ${i}: ${gap} ms after the previous one`);
  }
});

test('hash-rate-while-hashing: a paced miner reports the rate of its hashing, not an average over its waits, and how long it waits', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  let wake = (): void => undefined;
  const { miner } = await startMiner(t, h, 1000, (m) => {
    if (m.length === 3) wake();
  });
  await new Promise<void>((resolve) => (wake = resolve));
  // On regtest a block takes a handful of hashes: a few ms of hashing per 1 s wait.
  const rate = miner.hashRate();
  t.ok(rate > 20, `${rate.toFixed(1)} H/s while hashing (one yespower thread does ~150)`);
  const paused = miner.pausedForMs();
  t.ok(paused !== null && paused > 0 && paused <= 1000, `paced: mining again in ${paused} ms`);
});

test('hash-rate-while-hashing: a miner that is not paced says so', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const { miner } = await startMiner(t, h, 0, () => undefined);
  t.equal(miner.pausedForMs(), null);
});

test('a mined key block that waits for endorsements pauses the miner, so it does not fill the candidate slots with rivals', async (t) => {
  const params = { ...REGTEST, poa: { ...REGTEST.poa, bootstrapMinValidatorStake: 1n } };
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    params,
  );
  h.key('a', 'g');
  h.micro('a1', 'a', [signedTx({ payload: { type: 6, role: 1, amount: 10n ** 19n } })]);
  const candidates: number[] = [];
  h.chain.on('candidate', () => candidates.push(Date.now()));
  const started = Date.now();
  // A minute after a's time: far later would make the block a fallback activation (§5.4).
  const aTimeMs = h.entry('a').timeMs;
  const now = (): number => Number(aTimeMs) + 60_000 + (Date.now() - started);
  const mining = new Mining(
    { leaderKey: getPublicKey(new Uint8Array(32).fill(9)), payout: undefined },
    { chain: h.chain, params, now, publish: () => undefined },
  );
  const miner = await KeyMiner.start(
    { threads: 1, payout: new Uint8Array(20).fill(1), blockIntervalMs: 0 },
    { chain: h.chain, mining, now, logger: createLogger({ level: 'silent' }) },
  );
  t.teardown(async () => {
    await miner.stop();
    mining.stop();
  });
  while (candidates.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(miner.pausedForMs() !== null, 'paused after its candidate');
  await new Promise((resolve) => setTimeout(resolve, 500)); // within the pause: nothing may be mined
  t.equal(candidates.length, 1, 'one candidate, not a stream of rivals');
});
