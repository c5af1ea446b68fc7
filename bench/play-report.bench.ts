// PlayReports (PROTOCOL.md §4.9) validated and connected as block import does
// (chain.add: sanity, the rules in list order with each report's attestations
// batch-verified, the effects, one LMDB commit): 10 reports × 1,000
// attestations by 1,000 registered listeners, every play counted. A
// microblock holds at most 1,000,000 bytes (§12) and a 1,000-attestation
// report is ~168 kB, so the 10 reports travel in two microblocks of five;
// both are decoded from their bytes and connected, timed together. Two
// imports, in interleaved rounds: cold (no signature cache, as a node that
// never saw the reports) and warm (their txids cached, as when the mempool
// admitted them). Then the attestation signatures alone, one batch per
// report against one verification each.
import type { AnyBlock } from '../src/chain/block-store.js';
import { Chain } from '../src/chain/chain.js';
import { attestationSigningMessage } from '../src/consensus/attestation.js';
import { firstInvalidSignature, isValidSignature, type SignatureCheck } from '../src/consensus/signature.js';
import { SignatureCache } from '../src/consensus/signature-cache.js';
import { getPublicKey, sign } from '../src/crypto/ed25519.js';
import { sha256 } from '../src/crypto/hash.js';
import { accountId } from '../src/protocol/address.js';
import { keyBlockId, genesisBlock } from '../src/protocol/key-block.js';
import {
  decodeMicroblock,
  encodeMicroblock,
  microblockId,
  type Microblock,
} from '../src/protocol/microblock.js';
import { txId, txSigningMessage, type Attestation, type Tx, type TxPayload } from '../src/protocol/tx.js';
import { Storage } from '../src/storage/db.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';
import { NOW, buildMicroblock, mineKeyBlock, params } from './import-chain.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPORTS = 10;
const ATTESTATIONS = 1000;
const LISTENERS = 1000;
const REPORTS_PER_MICROBLOCK = 5;
/** The target for the 10 × 1,000 attestations, on one core. */
const TARGET_MS = 1000;
const ALTO = 10n ** 18n;

const seedOf = (tag: string): Uint8Array => sha256(new TextEncoder().encode(tag));
const FAUCET = seedOf('ALTO regtest faucet');
const APP = seedOf('bench app');
const MUSICIAN = seedOf('bench musician');

function tx(seed: Uint8Array, nonce: bigint, payload: TxPayload): Tx {
  const unsigned = {
    version: 1 as const,
    sender: getPublicKey(seed),
    nonce,
    fee: 1000n,
    validUntil: 0n,
    payload,
  };
  return { ...unsigned, signature: sign(txSigningMessage(unsigned, params), seed) };
}

interface Fixture {
  /** k1 and the microblocks that fund and register the parties and the songs. */
  readonly prefix: readonly AnyBlock[];
  /** The microblocks of the 10 reports, encoded: each import decodes its own, as from a peer. */
  readonly plays: readonly Uint8Array[];
  readonly reports: readonly Tx[];
}

function chainAt(dir: string, cache?: SignatureCache): { chain: Chain; storage: Storage } {
  const storage = Storage.open(dir);
  return {
    storage,
    chain: Chain.open(storage, { params, now: NOW, ...(cache ? { signatures: cache } : {}) }),
  };
}

function withChain<T>(fn: (chain: Chain) => T, cache?: SignatureCache): T {
  const dir = mkdtempSync(join(tmpdir(), 'altostream-bench-plays-'));
  const { chain, storage } = chainAt(dir, cache);
  try {
    return fn(chain);
  } finally {
    void storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function add(chain: Chain, block: AnyBlock): void {
  const result = chain.add(block);
  if (result !== 'connected') throw new Error(`a bench block was ${result}`);
}

export function buildFixture(log: (line: string) => void): Fixture {
  log(
    `[play report] signing ${LISTENERS} listeners' registrations and ${REPORTS * ATTESTATIONS} attestations`,
  );
  const listeners = Array.from({ length: LISTENERS }, (_, i) => seedOf(`bench listener ${i}`));
  const app = accountId(getPublicKey(APP));
  const musician = accountId(getPublicKey(MUSICIAN));
  const k1 = mineKeyBlock(keyBlockId(genesisBlock(params).header), 1n);
  const parties = [app, musician, ...listeners.map((s) => accountId(getPublicKey(s)))];
  const funding = parties.map((to, i) =>
    tx(FAUCET, BigInt(i), { type: 1, to, amount: i < 2 ? 10n * ALTO : 10n ** 9n, memo: new Uint8Array() }),
  );
  const registrations = [
    tx(APP, 0n, { type: 6, role: 2, amount: ALTO, app: { name: 'bench', serviceKey: getPublicKey(APP) } }),
    tx(MUSICIAN, 0n, { type: 2, roles: 1, displayName: 'm', metadata: new Uint8Array(32) }),
    ...listeners.map((s) => tx(s, 0n, { type: 2, roles: 2, displayName: 'l', metadata: new Uint8Array(32) })),
  ];
  const songs = Array.from({ length: REPORTS }, (_, r) => new Uint8Array(32).fill(r + 1));
  const songTxs = songs.map((songId, r) =>
    tx(MUSICIAN, BigInt(r + 1), {
      type: 3,
      songId,
      title: `song ${r}`,
      metadata: new Uint8Array(32),
      durationS: 180,
      splits: [{ account: musician, bp: 10_000 }],
    }),
  );
  const blocks: Microblock[] = [];
  let prev = keyBlockId(k1.header);
  let prevTimeMs = BigInt(k1.header.time) * 1000n;
  const micro = (txs: readonly Tx[]): Microblock => {
    const block = buildMicroblock(k1, prev, blocks.length, prevTimeMs, txs);
    blocks.push(block);
    prev = microblockId(block.header);
    prevTimeMs = block.header.timeMs;
    return block;
  };
  micro(funding);
  micro(registrations);
  micro(songTxs);
  // The plays: report r holds one play of song r by each listener, all counted.
  const t = (prevTimeMs + 1000n) / 1000n;
  const reports = songs.map((songId, r) => {
    const attestations: Attestation[] = listeners.map((seed, l) => {
      const unsigned = {
        songId,
        listenerKey: getPublicKey(seed),
        startS: t - 80_000n + BigInt(r) * 100n,
        seconds: 60,
        app,
        serial: BigInt(r * LISTENERS + l),
      };
      return { ...unsigned, sig: sign(attestationSigningMessage(unsigned, params), seed) };
    });
    return tx(APP, BigInt(r + 1), { type: 8, app, attestations });
  });
  const prefixCount = blocks.length;
  for (let at = 0; at < REPORTS; at += REPORTS_PER_MICROBLOCK)
    micro(reports.slice(at, at + REPORTS_PER_MICROBLOCK));
  const all: AnyBlock[] = [
    { kind: 'key', block: k1 },
    ...blocks.map((block) => ({ kind: 'micro' as const, block })),
  ];
  const fixture = {
    prefix: all.slice(0, 1 + prefixCount),
    plays: blocks.slice(prefixCount).map(encodeMicroblock),
    reports,
  };
  // Every play must count, or the bench would time the cheap path.
  withChain((chain) => {
    for (const block of fixture.prefix) add(chain, block);
    for (const bytes of fixture.plays) add(chain, { kind: 'micro', block: decodeMicroblock(bytes) });
    const seconds = chain.state().listenerPeriod(accountId(getPublicKey(listeners[0]!))).seconds;
    if (seconds !== BigInt(REPORTS * 60)) throw new Error(`a listener has ${seconds} counted seconds`);
  });
  return fixture;
}

/**
 * ms to decode and connect the play microblocks on a fresh chain holding the prefix. Decoded
 * afresh, the reports carry no verification result from an earlier round (consensus/attestation.ts
 * keeps it with the decoded payload): cold verifies every attestation.
 */
export function importPlays(fixture: Fixture, warm: boolean): { wallMs: number; cpuMs: number } {
  const cache = new SignatureCache();
  return withChain((chain) => {
    for (const block of fixture.prefix) add(chain, block);
    if (warm) for (const report of fixture.reports) cache.add(txId(report));
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const bytes of fixture.plays) add(chain, { kind: 'micro', block: decodeMicroblock(bytes) });
    const used = process.cpuUsage(cpu);
    // CPU time too: on a shared machine the wall time counts other processes' turns.
    return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  }, cache);
}

const median = (values: readonly number[]): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

export function run(): Promise<MeasurementResult[]> {
  const options = benchOptionsFromEnv();
  const fixture = buildFixture(options.log);
  const total = REPORTS * ATTESTATIONS;

  // Import: cold and warm, interleaved, after a warm-up of each.
  const variants = [false, true];
  for (const warm of variants) importPlays(fixture, warm);
  const ms: number[][] = [[], []];
  const cpuMs: number[][] = [[], []];
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      const timed = importPlays(fixture, variants[i]!);
      ms[i]!.push(timed.wallMs);
      cpuMs[i]!.push(timed.cpuMs);
    }
    options.log(
      `[play report] round ${round + 1}/${options.rounds}: ${total} attestations connected in ` +
        `${ms[0]![round]!.toFixed(0)} ms cold (CPU ${cpuMs[0]![round]!.toFixed(0)} ms), ` +
        `${ms[1]![round]!.toFixed(0)} ms with the signature cache (CPU ${cpuMs[1]![round]!.toFixed(0)} ms)`,
    );
  }

  // The signatures alone: one batch per report vs one verification per attestation.
  const checks: SignatureCheck[][] = fixture.reports.map((report) =>
    report.payload.type === 8
      ? report.payload.attestations.map((a) => ({
          signature: a.sig,
          message: attestationSigningMessage(a, params),
          key: a.listenerKey,
        }))
      : [],
  );
  const batch = (): number => {
    const started = performance.now();
    for (const list of checks) if (firstInvalidSignature(list) !== -1) throw new Error('a bad signature');
    return performance.now() - started;
  };
  const single = (): number => {
    const started = performance.now();
    for (const list of checks)
      for (const c of list) if (!isValidSignature(c)) throw new Error('a bad signature');
    return performance.now() - started;
  };
  batch();
  single();
  const sigMs: number[][] = [[], []];
  const verifiers = [batch, single];
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < verifiers.length; k++) {
      const i = (round + k) % verifiers.length;
      sigMs[i]!.push(verifiers[i]!());
    }
    options.log(
      `[play report] round ${round + 1}/${options.rounds}: ${total} attestation signatures ` +
        `${sigMs[0]![round]!.toFixed(0)} ms batched vs ${sigMs[1]![round]!.toFixed(0)} ms singly`,
    );
  }

  const [cold, warm] = ms.map(median) as [number, number];
  const [coldCpu, warmCpu] = cpuMs.map(median) as [number, number];
  const [batched, singly] = sigMs.map(median) as [number, number];
  process.stdout.write(
    `\nplay reports: ${REPORTS} × ${ATTESTATIONS} attestations (${fixture.plays.length} microblocks of ` +
      `${REPORTS_PER_MICROBLOCK}: a microblock holds ≤ 1,000,000 bytes) validated and connected in ` +
      `${cold.toFixed(0)} ms cold, ${warm.toFixed(0)} ms with the signature cache; CPU time ${coldCpu.toFixed(0)} ms ` +
      `cold, ${warmCpu.toFixed(0)} ms warm (medians; target ≤ ${TARGET_MS} ms: ` +
      `${cold <= TARGET_MS ? 'met' : 'missed'} cold, ${warm <= TARGET_MS ? 'met' : 'missed'} warm by wall time)\n` +
      `attestation signatures: ${batched.toFixed(0)} ms batched vs ${singly.toFixed(0)} ms singly, ` +
      `batch ${(singly / batched).toFixed(2)}× faster\n`,
  );
  const rates = (rounds: number[][]): number[][] => rounds.map((r) => r.map((m) => total / (m / 1000)));
  return Promise.resolve([
    resultFromRounds(
      {
        title: `${REPORTS} PlayReports × ${ATTESTATIONS} attestations validated and connected: cold vs with the signature cache`,
        unit: 'attestations',
        candidates: [{ name: 'cold (verifies)', ours: true }, { name: 'signature cache warm' }],
      },
      rates(ms),
    ),
    resultFromRounds(
      {
        title: `${total} attestation signatures: one batch per report vs one verification each`,
        unit: 'signatures',
        candidates: [{ name: 'batch per report', ours: true }, { name: 'single' }],
      },
      rates(sigMs),
    ),
  ]);
}
