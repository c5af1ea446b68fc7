// Connecting microblocks of 1,000 transfers each (signatures batch-verified),
// LMDB committed: transactions per second on one core, and where the time
// goes. Each round imports the same blocks into a fresh regtest chain. The
// "peers" are the parts of that same import, so each ratio (whole ÷ part, in
// rates) is the share of the import's time that part takes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPublicKey, sign } from '../src/crypto/ed25519.js';
import { sha256, sha256d } from '../src/crypto/hash.js';
import { scanNonces } from '../src/crypto/pow.js';
import { Chain } from '../src/chain/chain.js';
import { targetBytes, targetFromBits } from '../src/consensus/difficulty.js';
import { microblockSigningMessage } from '../src/consensus/microblock-rules.js';
import { checkTxsSanity } from '../src/consensus/tx-rules.js';
import {
  encodeKeyBlockHeader,
  genesisBlock,
  keyBlockId,
  keyBlockRoot,
  type KeyBlock,
} from '../src/protocol/key-block.js';
import { encodeActivation, merkleRoot, microblockId, type Microblock } from '../src/protocol/microblock.js';
import { REGTEST } from '../src/protocol/params.js';
import { txId, txSigningMessage, type Tx } from '../src/protocol/tx.js';
import { Storage, type Tables, type WritableTable } from '../src/storage/db.js';
import { benchOptionsFromEnv, resultFromRounds, type MeasurementResult } from './harness.js';

const TXS_PER_BLOCK = 1000;
const BLOCKS = 3;
const params = REGTEST;
const faucetSeed = sha256(new TextEncoder().encode('ALTO regtest faucet'));
const leaderSeed = new Uint8Array(32).fill(0x1e);

function keyBlockOnGenesis(): KeyBlock {
  const genesis = genesisBlock(params);
  const body = {
    magic: params.magic,
    height: 1n,
    leaderKey: getPublicKey(leaderSeed),
    payout: new Uint8Array(20).fill(9),
    extranonce: new Uint8Array(8),
    aux: new Uint8Array(32),
  };
  const header = {
    version: 1,
    prev: keyBlockId(genesis.header),
    root: keyBlockRoot(body),
    time: params.genesis.time + 60,
    bits: params.powLimitBits,
    nonce: 0,
  };
  const hit = scanNonces(encodeKeyBlockHeader(header), targetBytes(targetFromBits(header.bits)), 0, 10_000);
  if (hit === null) throw new Error('no nonce');
  return { header: { ...header, nonce: hit.nonce }, body };
}

function transfers(first: number, count: number): Tx[] {
  const sender = getPublicKey(faucetSeed);
  return Array.from({ length: count }, (_, i) => {
    const to = new Uint8Array(20);
    new DataView(to.buffer).setUint32(0, first + i);
    const unsigned = {
      version: 1 as const,
      sender,
      nonce: BigInt(first + i),
      fee: 1000n,
      validUntil: 0n,
      payload: { type: 1 as const, to, amount: 1n, memo: new Uint8Array() },
    };
    return { ...unsigned, signature: sign(txSigningMessage(unsigned, params), faucetSeed) };
  });
}

function microblocks(key: KeyBlock): Microblock[] {
  const keyId = keyBlockId(key.header);
  const out: Microblock[] = [];
  let prev = keyId;
  for (let b = 0; b < BLOCKS; b++) {
    const txs = transfers(b * TXS_PER_BLOCK, TXS_PER_BLOCK);
    const header = {
      version: 1,
      prev,
      keyHeight: 1n,
      seq: b,
      timeMs: BigInt(key.header.time) * 1000n + BigInt(1000 * (b + 1)),
      txRoot: merkleRoot(txs.map(txId)),
      txCount: txs.length,
      actHash: sha256d(encodeActivation([])),
    };
    const leaderSig = sign(microblockSigningMessage(keyId, header, params), leaderSeed);
    const block = { header, leaderSig, activation: [], txs };
    out.push(block);
    prev = microblockId(header);
  }
  return out;
}

interface Timings {
  readonly totalMs: number;
  readonly signaturesMs: number;
  readonly lmdbMs: number;
}

function importOnce(key: KeyBlock, blocks: readonly Microblock[]): Timings {
  const dir = mkdtempSync(join(tmpdir(), 'altostream-bench-'));
  const storage = Storage.open(dir);
  try {
    const chain = Chain.open(storage, { params, now: () => (params.genesis.time + 10_000_000) * 1000 });
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
    void storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function run(): Promise<MeasurementResult[]> {
  const options = benchOptionsFromEnv();
  const key = keyBlockOnGenesis();
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
  ]);
}
