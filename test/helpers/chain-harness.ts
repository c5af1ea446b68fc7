// Builds chains of named blocks on regtest (PoW takes a few hashes), so a
// test can draw its forks as ASCII and add blocks by name.
import {
  Chain,
  type AddOptions,
  type AddResult,
  type AnyBlock,
  type ChainOptions,
} from '../../src/chain/chain.js';
import type { Entry } from '../../src/chain/index-entry.js';
import { keyBlockId } from '../../src/protocol/key-block.js';
import { microblockId } from '../../src/protocol/microblock.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import type { Tx } from '../../src/protocol/tx.js';
import { Storage } from '../../src/storage/db.js';
import { buildMicroblock, mineKeyBlock } from './blocks.js';
import { tempDir } from './temp-dir.js';

export type Teardown = (fn: () => unknown) => void;

/** The harness chain's clock (Unix ms): far enough ahead that no test block is too new. */
export const HARNESS_NOW_MS = (REGTEST.genesis.time + 10_000_000) * 1000;

export class ChainHarness {
  readonly blocks = new Map<string, AnyBlock>();
  private readonly ids = new Map<string, Uint8Array>();
  private readonly afterAdd: ((name: string, result: AddResult) => void)[] = [];

  private constructor(
    readonly chain: Chain,
    readonly storage: Storage,
    readonly dir: string,
  ) {
    this.ids.set('g', chain.tip.id);
  }

  static open(
    teardown: Teardown,
    dir?: string,
    params: NetworkParams = REGTEST,
    options: Pick<ChainOptions, 'sideBodyLimits' | 'activation' | 'now'> = {},
  ): ChainHarness {
    const path = dir ?? tempDir(teardown);
    const storage = Storage.open(path);
    teardown(() => storage.close());
    return new ChainHarness(
      Chain.open(storage, { ...options, params, now: options.now ?? (() => HARNESS_NOW_MS) }),
      storage,
      path,
    );
  }

  /** Calls `fn` after every block this harness adds (key, micro, add, replay), with its name and result. */
  onEachBlock(fn: (name: string, result: AddResult) => void): void {
    this.afterAdd.push(fn);
  }

  private added(name: string, result: AddResult): AddResult {
    for (const fn of this.afterAdd) fn(name, result);
    return result;
  }

  entry(name: string): Entry {
    const id = this.ids.get(name);
    const entry = id === undefined ? undefined : this.chain.get(id);
    if (entry === undefined) throw new Error(`no block named ${name}`);
    return entry;
  }

  name(entry: Entry): string {
    for (const [name, id] of this.ids) if (Buffer.from(id).equals(Buffer.from(entry.id))) return name;
    return '?';
  }

  /** Mines a key block on `parent` (by name); `payoutByte` tells payouts apart. */
  key(name: string, parent: string, payoutByte = name.charCodeAt(0)): AddResult {
    const p = this.entry(parent);
    const block = mineKeyBlock({
      prev: p.id,
      height: p.keyHeight + 1n,
      time: p.epochKey.block.header.time + 60,
      body: { payout: new Uint8Array(20).fill(payoutByte) },
    });
    this.blocks.set(name, { kind: 'key', block });
    this.ids.set(name, keyBlockId(block.header));
    return this.added(name, this.chain.add({ kind: 'key', block }));
  }

  /** A microblock after `parent` in its epoch, carrying `txs`. */
  micro(name: string, parent: string, txs: readonly Tx[] = []): AddResult {
    const p = this.entry(parent);
    const block = buildMicroblock({
      keyBlockId: p.epochKey.id,
      prev: p.id,
      keyHeight: p.keyHeight,
      seq: p.kind === 'key' ? 0 : p.seq + 1,
      timeMs: p.timeMs + 1000n,
      txs,
    });
    this.blocks.set(name, { kind: 'micro', block });
    this.ids.set(name, microblockId(block.header));
    return this.added(name, this.chain.add({ kind: 'micro', block }));
  }

  /** Names a block built elsewhere (an altered copy, a hand-made microblock), then adds it. */
  add(name: string, block: AnyBlock, options?: AddOptions): AddResult {
    this.blocks.set(name, block);
    this.ids.set(
      name,
      block.kind === 'key' ? keyBlockId(block.block.header) : microblockId(block.block.header),
    );
    return this.added(name, this.chain.add(block, options));
  }

  /** Adds already-built blocks of another harness, by name and in order. */
  replay(from: ChainHarness, names: readonly string[]): void {
    for (const name of names) {
      const block = from.blocks.get(name);
      if (block === undefined) throw new Error(`no block named ${name}`);
      this.blocks.set(name, block);
      this.ids.set(
        name,
        block.kind === 'key' ? keyBlockId(block.block.header) : microblockId(block.block.header),
      );
      this.added(name, this.chain.add(block));
    }
  }

  tipName(): string {
    return this.name(this.chain.tip);
  }

  digest(): string {
    return Buffer.from(this.chain.digest()).toString('hex');
  }
}
