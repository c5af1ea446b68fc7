// Connecting microblocks of 1,000 transfers each (signatures batch-verified),
// LMDB committed: transactions per second on one core, and where the time
// goes. Each round imports the same blocks into a fresh regtest chain. The
// "peers" are the parts of that same import, so each ratio (whole ÷ part, in
// rates) is the share of the import's time that part takes.
//
// Then the activation overhead (PROTOCOL.md §5.4): the same transfers in
// EPOCHS epochs, once with bootstrap-activated key blocks and once with key
// blocks that wait as candidates until an M_{h,0} carrying five endorsements
// (batch-verified) connects them, both timed from the key block on, in
// interleaved rounds; the ratio is the overhead amortised over an epoch.
import type { AnyBlock } from '../src/chain/block-store.js';
import { checkTxsSanity } from '../src/consensus/tx-rules.js';
import { genesisBlock, keyBlockId, type KeyBlock } from '../src/protocol/key-block.js';
import { microblockId, type Microblock } from '../src/protocol/microblock.js';
import type { Tables, WritableTable } from '../src/storage/db.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';
import {
  POA_PARAMS,
  buildMicroblock,
  faucetTransfers,
  importFixture,
  mineKeyBlock,
  openChain,
  params,
  type ImportFixture,
} from './import-chain.js';

const TXS_PER_BLOCK = 1000;
const BLOCKS = 3;
/** Epochs of the activation comparison, each a key block and BLOCKS microblocks of transfers. */
const EPOCHS = 3;
/** Short epochs (a key block and one microblock of SHORT_EPOCH_TXS transfers) for the per-key-block cost. */
const KEY_EPOCHS = 30;
const SHORT_EPOCH_TXS = 10;

function microblocks(key: KeyBlock): Microblock[] {
  const out: Microblock[] = [];
  let prev = keyBlockId(key.header);
  let prevTimeMs = BigInt(key.header.time) * 1000n;
  for (let b = 0; b < BLOCKS; b++) {
    const block = buildMicroblock(
      key,
      prev,
      b,
      prevTimeMs,
      faucetTransfers(b * TXS_PER_BLOCK, TXS_PER_BLOCK),
    );
    out.push(block);
    prev = microblockId(block.header);
    prevTimeMs = block.header.timeMs;
  }
  return out;
}

interface Timings {
  readonly totalMs: number;
  readonly signaturesMs: number;
  readonly lmdbMs: number;
}

function importOnce(key: KeyBlock, blocks: readonly Microblock[]): Timings {
  const { chain, storage, close } = openChain(params);
  try {
    chain.add({ kind: 'key', block: key });
    // Time spent in LMDB: every put/remove and the transaction commit itself.
    let lmdbMs = 0;
    const commit = storage.commit.bind(storage);
    storage.commit = <T>(write: (tables: Tables<WritableTable>) => T): T => {
      let inCallbackMs = 0;
      let inPutsMs = 0;
      const timed = (table: WritableTable): WritableTable => ({
        ...table,
        put: (k, v) => {
          const t0 = performance.now();
          table.put(k, v);
          inPutsMs += performance.now() - t0;
        },
        remove: (k) => {
          const t0 = performance.now();
          table.remove(k);
          inPutsMs += performance.now() - t0;
        },
      });
      const started = performance.now();
      const result = commit((tables) => {
        const t0 = performance.now();
        const r = write({
          meta: timed(tables.meta),
          state: timed(tables.state),
          blocks: timed(tables.blocks),
          undo: timed(tables.undo),
          txindex: timed(tables.txindex),
          index: timed(tables.index),
          rewards: timed(tables.rewards),
          bans: timed(tables.bans),
          proposalEnds: timed(tables.proposalEnds),
          settlements: timed(tables.settlements),
          music: timed(tables.music),
        });
        inCallbackMs += performance.now() - t0;
        return r;
      });
      lmdbMs += performance.now() - started - inCallbackMs + inPutsMs;
      return result;
    };
    const started = performance.now();
    for (const block of blocks) chain.add({ kind: 'micro', block });
    const totalMs = performance.now() - started;
    // The signatures alone, as chain.add verifies them.
    const s0 = performance.now();
    for (const block of blocks) checkTxsSanity(block.txs, params);
    return { totalMs, signaturesMs: performance.now() - s0, lmdbMs };
  } finally {
    close();
  }
}

interface EpochTimings {
  readonly totalMs: number;
  /** In the key blocks (stored as candidates, or bootstrap-activated and connected). */
  readonly keyMs: number;
  /** In the M_{h,0}s that activate candidates (K's KeyConnect included). */
  readonly activationMs: number;
}

/** Imports one variant's epochs into a fresh chain holding the fixture's prefix; only the epochs are timed. */
function importEpochs(fixture: ImportFixture, endorsed: boolean): EpochTimings {
  const { chain, close } = openChain(endorsed ? POA_PARAMS : params);
  try {
    for (const block of fixture.prefix) chain.add(block);
    const blocks: readonly AnyBlock[] = endorsed ? fixture.endorsed : fixture.bootstrap;
    let keyMs = 0;
    let activationMs = 0;
    const started = performance.now();
    for (const block of blocks) {
      const t0 = performance.now();
      if (chain.add(block) !== 'connected' && block.kind === 'micro')
        throw new Error('a block did not connect');
      if (block.kind === 'key') keyMs += performance.now() - t0;
      else if (block.block.activation.length > 0) activationMs += performance.now() - t0;
    }
    return { totalMs: performance.now() - started, keyMs, activationMs };
  } finally {
    close();
  }
}

/** Per-round figures of the two imports, index 0 endorsed and 1 bootstrap. */
interface VariantRounds {
  /** Transfers per second. */
  readonly rates: number[][];
  /** Per key block: the candidate K (endorsed) or the bootstrap K, in ms. */
  readonly keyMs: number[][];
  /** Per key block: its M_{h,0} (endorsed import only), in ms. */
  readonly activationMs: number[];
}

const median = (values: readonly number[]): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** Interleaved rounds of the endorsed and the bootstrap import of `fixture`, after a warm-up of each. */
function interleave(
  fixture: ImportFixture,
  epochs: number,
  options: ReturnType<typeof benchOptionsFromEnv>,
  title: string,
): VariantRounds {
  const variants = [true, false];
  for (const endorsed of variants) importEpochs(fixture, endorsed);
  const out: VariantRounds = { rates: [[], []], keyMs: [[], []], activationMs: [] };
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      const t = importEpochs(fixture, variants[i]!);
      out.rates[i]!.push(fixture.transfers / (t.totalMs / 1000));
      out.keyMs[i]!.push(t.keyMs / epochs);
      if (variants[i]!) out.activationMs.push(t.activationMs / epochs);
    }
    options.log(
      `[${title}] round ${round + 1}/${options.rounds}: ` +
        `endorsed ${(out.rates[0]![round]! / 1000).toFixed(1)} k tx/s, bootstrap ${(out.rates[1]![round]! / 1000).toFixed(1)} k tx/s; ` +
        `per key block K ${out.keyMs[0]![round]!.toFixed(2)} ms + M_{h,0} ${out.activationMs[round]!.toFixed(2)} ms ` +
        `vs bootstrap K ${out.keyMs[1]![round]!.toFixed(2)} ms`,
    );
  }
  return out;
}

/**
 * Paired by round (the two imports of a round share the machine's conditions): what activating a
 * key block through a candidate and its M_{h,0} costs beyond bootstrap-activating it.
 */
function extraPerKeyBlock(r: VariantRounds): number {
  return median(r.keyMs[0]!.map((ms, round) => ms + r.activationMs[round]! - r.keyMs[1]![round]!));
}

/**
 * The same transfers imported in epochs whose key blocks are bootstrap-activated and in epochs
 * whose key blocks wait as candidates until an M_{h,0} with five batch-verified endorsements
 * (§5.4) connects them, in interleaved rounds: at this bench's shape (EPOCHS epochs of BLOCKS ×
 * TXS_PER_BLOCK transfers), then per key block over KEY_EPOCHS short epochs, where the key
 * blocks are most of the work and their cost is measured over more of them.
 */
function activationComparison(options: ReturnType<typeof benchOptionsFromEnv>): MeasurementResult[] {
  options.log(`[block import] building ${EPOCHS} epochs twice: bootstrap-activated and endorsed`);
  const epochs = interleave(
    importFixture(EPOCHS, BLOCKS, TXS_PER_BLOCK),
    EPOCHS,
    options,
    'activated import',
  );
  options.log(`[block import] building ${KEY_EPOCHS} short epochs twice: bootstrap-activated and endorsed`);
  const short = interleave(importFixture(KEY_EPOCHS, 1, SHORT_EPOCH_TXS), KEY_EPOCHS, options, 'key blocks');

  const perEpoch = BLOCKS * TXS_PER_BLOCK;
  const [endorsedRate, bootstrapRate] = epochs.rates.map(median) as [number, number];
  const epochMs = (perEpoch / bootstrapRate) * 1000;
  const extra = [extraPerKeyBlock(epochs), extraPerKeyBlock(short)] as const;
  const perKeyBlock = (r: VariantRounds): string =>
    `the candidate K ${median(r.keyMs[0]!).toFixed(2)} ms + its M_{h,0} ${median(r.activationMs).toFixed(2)} ms ` +
    `vs a bootstrap K ${median(r.keyMs[1]!).toFixed(2)} ms`;
  process.stdout.write(
    `\nblock import with activation (${EPOCHS} epochs of ${BLOCKS} × ${TXS_PER_BLOCK} transfers): ` +
      `${(endorsedRate / 1000).toFixed(1)} k transfers/s endorsed vs ${(bootstrapRate / 1000).toFixed(1)} k bootstrap ` +
      `(medians); per key block ${perKeyBlock(epochs)}, ${extra[0].toFixed(2)} ms more (per-round median)\n` +
      `per key block over ${KEY_EPOCHS} short epochs: ${perKeyBlock(short)}, ${extra[1].toFixed(2)} ms more; ` +
      `amortised over an epoch of ${perEpoch} transfers (${epochMs.toFixed(0)} ms to import) that is ` +
      `${((extra[1] / epochMs) * 100).toFixed(2)}%\n`,
  );
  const keyRates = (r: VariantRounds): number[][] => [
    r.keyMs[0]!.map((ms, round) => 1000 / (ms + r.activationMs[round]!)),
    r.keyMs[1]!.map((ms) => 1000 / ms),
  ];
  return [
    resultFromRounds(
      {
        title: `${EPOCHS} epochs of ${BLOCKS} microblocks × ${TXS_PER_BLOCK} transfers, key blocks endorsed (candidate + M_{h,0} with ${POA_PARAMS.poa.slots} endorsements) vs bootstrap-activated`,
        unit: 'transfers',
        candidates: [
          { name: 'endorsed-activated epochs', ours: true },
          { name: 'bootstrap-activated epochs' },
        ],
      },
      epochs.rates,
    ),
    resultFromRounds(
      {
        title: `key blocks activated, over ${KEY_EPOCHS} epochs of ${SHORT_EPOCH_TXS} transfers: candidate K + M_{h,0} vs bootstrap K`,
        unit: 'key blocks',
        candidates: [{ name: 'candidate K + M_{h,0}', ours: true }, { name: 'bootstrap K' }],
      },
      keyRates(short),
    ),
  ];
}

export function run(): Promise<MeasurementResult[]> {
  const options = benchOptionsFromEnv();
  const key = mineKeyBlock(keyBlockId(genesisBlock(params).header), 1n);
  const blocks = microblocks(key);
  const txs = TXS_PER_BLOCK * BLOCKS;
  importOnce(key, blocks); // warm-up
  const perCandidate: number[][] = [[], [], [], []];
  for (let round = 0; round < options.rounds; round++) {
    const t = importOnce(key, blocks);
    const rest = t.totalMs - t.signaturesMs - t.lmdbMs;
    const rates = [t.totalMs, t.signaturesMs, t.lmdbMs, rest].map((ms) => txs / (ms / 1000));
    rates.forEach((rate, i) => perCandidate[i]!.push(rate));
    options.log(
      `[block import] round ${round + 1}/${options.rounds}: ${(rates[0]! / 1000).toFixed(1)} k tx/s; ` +
        `signatures ${((t.signaturesMs / t.totalMs) * 100).toFixed(0)}%, LMDB ${((t.lmdbMs / t.totalMs) * 100).toFixed(0)}%`,
    );
  }
  return Promise.resolve([
    resultFromRounds(
      {
        title: `connecting microblocks of ${TXS_PER_BLOCK} transfers (whole import ÷ part = that part's share of the time)`,
        unit: 'transactions',
        candidates: [
          { name: 'chain.add, LMDB committed', ours: true },
          { name: 'signature batch verification alone' },
          { name: 'LMDB writes and commits alone' },
          { name: 'everything else (decode, rules, state)' },
        ],
      },
      perCandidate,
    ),
    ...activationComparison(options),
  ]);
}
