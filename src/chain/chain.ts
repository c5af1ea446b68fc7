// The chain owns the tip. add() runs a block through sanity, the orphan pool,
// context, fork choice, and connects it — or reorganises to its branch — in
// ONE LMDB transaction that writes the state changes, the undo record, the
// block and the tip (PROTOCOL.md §3.4, §9.2). Microblock rules run in §3.3's
// order; a side-branch microblock is checked under rules 1–4 only (§10.2) and
// the rest waits until its branch becomes best. A block that fails for good
// (consensus/invalidity.ts) is remembered with its verdict, so a re-delivery
// gets the same answer; its descendants fail as `bad-prev`, IGNOREd.
import { EventEmitter } from 'node:events';
import { isBootstrapEpoch, keyBlockActivation, mayBuildOnKeyBlock } from '../consensus/activation.js';
import { checkedTarget, nextBits, workOf } from '../consensus/difficulty.js';
import { invalidates } from '../consensus/invalidity.js';
import { checkKeyBlockContext, checkKeyBlockSanity, medianTimePast } from '../consensus/key-block-rules.js';
import {
  checkMicroblockActivation,
  checkMicroblockContext,
  checkMicroblockSize,
  checkMicroblockTxBinding,
} from '../consensus/microblock-rules.js';
import { checkTxsSanity } from '../consensus/tx-rules.js';
import { RuleError, type GossipAction, type RuleCode } from '../protocol/errors.js';
import {
  encodeKeyBlock,
  decodeKeyBlock,
  genesisBlock,
  keyBlockId,
  type KeyBlock,
} from '../protocol/key-block.js';
import { decodeMicroblock, encodeMicroblock, microblockId, type Microblock } from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { txId, type Tx } from '../protocol/tx.js';
import { applyGenesis, applyTx } from '../state/apply.js';
import { stateDigest } from '../state/digest.js';
import { keyConnect } from '../state/key-connect.js';
import { applyUndo, decodeUndo, encodeUndo } from '../state/undo.js';
import { OverlayState } from '../state/view.js';
import type { Storage, Tables, WritableTable } from '../storage/db.js';
import { META_TIP } from '../storage/layout.js';
import type { Logger } from '../util/logger.js';
import { keyAncestors, planReorg, type Entry, type KeyEntry } from './index-entry.js';

export const MAX_ORPHANS = 64;
const IGNORE = { gossip: 'ignore' } as const;
const DESCENDS_FROM_INVALID: Failure = { code: 'bad-prev', gossip: 'ignore' };
const TIP_KEY = new TextEncoder().encode(META_TIP);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export type AnyBlock =
  { readonly kind: 'key'; readonly block: KeyBlock } | { readonly kind: 'micro'; readonly block: Microblock };

export type AddResult = 'connected' | 'reorged' | 'side' | 'orphan' | 'duplicate';

export interface ChainEvents {
  connected: [Entry];
  disconnected: [Entry];
  reorged: [
    { readonly from: Entry; readonly to: Entry; readonly disconnected: number; readonly connected: number },
  ];
}

export interface NextKeyBlock {
  readonly prev: Entry;
  readonly height: bigint;
  readonly bits: number;
  readonly medianTimePast: number;
}

export interface ChainOptions {
  readonly params: NetworkParams;
  /** Unix milliseconds; tests pass a fake clock. */
  readonly now?: () => number;
  /** Whether this node already verified the transaction's signature (the node passes the mempool's view). */
  readonly alreadyVerified?: (tx: Tx) => boolean;
  /** For what the operator must act on (a heavier chain beyond UNDO_DEPTH, §3.4). */
  readonly logger?: Logger;
}

/** How a block failed for good: re-deliveries get the same code and verdict (§10.2). */
interface Failure {
  readonly code: RuleCode;
  readonly gossip: GossipAction;
}

export class Chain extends EventEmitter<ChainEvents> {
  private readonly index = new Map<string, Entry>();
  private readonly invalid = new Map<string, Failure>();
  private readonly orphans = new Map<string, AnyBlock>();
  private tipEntry: Entry;
  /** The best chain's key blocks by height. */
  private bestKeys: KeyEntry[] = [];
  private readonly params: NetworkParams;
  private readonly now: () => number;
  private readonly alreadyVerified: (tx: Tx) => boolean;
  private readonly logger: Logger | undefined;

  private constructor(
    private readonly storage: Storage,
    options: ChainOptions,
    genesis: KeyEntry,
  ) {
    super();
    this.params = options.params;
    this.now = options.now ?? Date.now;
    this.alreadyVerified = options.alreadyVerified ?? (() => false);
    this.logger = options.logger;
    this.index.set(genesis.hex, genesis);
    this.tipEntry = genesis;
    this.bestKeys = [genesis];
  }

  /** Opens the chain in `storage`, writing genesis on first use and reloading every stored block after. */
  static open(storage: Storage, options: ChainOptions): Chain {
    const block = genesisBlock(options.params);
    const id = keyBlockId(block.header);
    const genesis: KeyEntry = {
      kind: 'key',
      id,
      hex: hex(id),
      parent: undefined,
      keyHeight: 0n,
      chainWork: 0n,
      timeMs: BigInt(block.header.time) * 1000n,
      get epochKey() {
        return genesis;
      },
      block,
      // §1.3: genesis counts as a bootstrap-activated key block.
      activation: 1,
    };
    const chain = new Chain(storage, options, genesis);
    if (storage.read.meta.get(TIP_KEY) === undefined) {
      storage.commit((tables) => {
        const view = new OverlayState(tables.state);
        applyGenesis(view, options.params);
        view.writeTo(tables.state);
        tables.blocks.put(id, blockBytes({ kind: 'key', block }));
        tables.meta.put(TIP_KEY, id);
      });
    } else {
      chain.reload();
    }
    return chain;
  }

  get tip(): Entry {
    return this.tipEntry;
  }

  get(id: Uint8Array): Entry | undefined {
    return this.index.get(hex(id));
  }

  /** How a block failed for good, if it did: what a re-delivery is answered (§10.2). */
  knownFailure(id: Uint8Array): { readonly code: RuleCode; readonly gossip: GossipAction } | undefined {
    return this.invalid.get(hex(id));
  }

  /** The best chain's key block at `height`. */
  keyAt(height: bigint): KeyEntry | undefined {
    return height < 0n ? undefined : this.bestKeys[Number(height)];
  }

  /** The best chain's blocks of epoch `height`, key block first. */
  epochBlocks(height: bigint): Entry[] {
    const key = this.keyAt(height);
    if (key === undefined) return [];
    const next = this.keyAt(height + 1n);
    const out: Entry[] = [];
    for (let e: Entry | undefined = next?.parent ?? this.tipEntry; e !== undefined && e !== key; e = e.parent)
      out.push(e);
    out.push(key);
    return out.reverse();
  }

  /** Where a transaction sits on the best chain, from the transaction index. */
  txLocation(
    id: Uint8Array,
  ): { readonly block: Entry; readonly position: number; readonly tx: Tx } | undefined {
    const stored = this.storage.read.txindex.get(id);
    if (stored === undefined) return undefined;
    const block = this.get(stored.subarray(0, 32));
    const position = new DataView(stored.buffer, stored.byteOffset).getUint32(32, true);
    const tx = block?.kind === 'micro' ? block.block.txs[position] : undefined;
    return block === undefined || tx === undefined ? undefined : { block, position, tx };
  }

  /** The transactions, in order, that apply on the tip; any that would fail is left out (a leader's dry run). */
  applicableTxs(txs: readonly Tx[]): Tx[] {
    const view = this.state();
    const context = { keyHeight: this.tipEntry.keyHeight };
    return txs.filter((tx) => {
      try {
        applyTx(view, tx, context, this.params);
        return true;
      } catch (error) {
        if (error instanceof RuleError) return false;
        throw error;
      }
    });
  }

  digest(): Uint8Array {
    return stateDigest(this.storage.read.state);
  }

  /** The state as of the tip, for reads. */
  state(): OverlayState {
    return new OverlayState(this.storage.read.state);
  }

  add(incoming: AnyBlock): AddResult {
    const id =
      incoming.kind === 'key' ? keyBlockId(incoming.block.header) : microblockId(incoming.block.header);
    const key = hex(id);
    // Before the index: a side-branch block stays indexed after its branch failed to connect.
    const failed = this.invalid.get(key);
    if (failed !== undefined) {
      throw new RuleError(failed.code, { id: key, reason: 'known invalid' }, { gossip: failed.gossip });
    }
    if (this.index.has(key)) return 'duplicate';
    // Stage 1: sanity, from the bytes alone. Never remembered: each delivery re-derives the same verdict,
    // and a key block's body or a microblock's unsigned parts may be a third party's alteration.
    const encoded = blockBytes(incoming);
    if (incoming.kind === 'key') checkKeyBlockSanity(incoming.block, this.params);
    else checkMicroblockSize(incoming.block, encoded.length - 1); // §3.3 rule 1
    const prev = hex(incoming.block.header.prev);
    if (this.invalid.has(prev)) {
      // [IGNORE] The sender may have relayed it on a side branch, unchecked beyond §3.3 rules 1–4 (§10.2).
      this.invalid.set(key, DESCENDS_FROM_INVALID);
      throw new RuleError('bad-prev', { reason: 'descends from an invalid block', id: key }, IGNORE);
    }
    const parent = this.index.get(prev);
    if (parent === undefined) {
      if (this.orphans.size >= MAX_ORPHANS) this.orphans.delete(this.orphans.keys().next().value!);
      this.orphans.set(key, incoming);
      return 'orphan';
    }
    this.checkForkDepth(incoming, parent);
    // Stage 2: context, against the parent (§3.5 rules 3–5; §3.3 rules 2–4).
    let entry: Entry;
    try {
      entry = this.contextCheck(incoming, id, parent, this.now());
    } catch (error) {
      if (error instanceof RuleError) this.remember(key, error);
      throw error;
    }
    const result = this.place(entry, encoded);
    this.adoptOrphans(entry);
    return result;
  }

  /**
   * [IGNORE] A branch leaving the best chain more than UNDO_DEPTH key blocks below the tip can never be
   * reorganised to (§3.4), so it is not stored: a peer cannot fill the disk with cheap old forks (§10.2).
   * If that branch is heavier than ours, the operator must resync: an error, not spam.
   */
  private checkForkDepth(incoming: AnyBlock, parent: Entry): void {
    const forkDepth = this.forkDepth(parent);
    if (forkDepth <= this.params.undoDepth) return;
    const work =
      parent.chainWork +
      (incoming.kind === 'key' ? workOf(checkedTarget(incoming.block.header.bits, this.params)) : 0n);
    if (work > this.tipEntry.chainWork) {
      this.logger?.error(
        { forkDepth, tip: this.tipEntry.hex, undoDepth: this.params.undoDepth },
        'a heavier chain forks deeper than UNDO_DEPTH: resync into a new data directory',
      );
    }
    throw new RuleError('reorg-too-deep', { forkDepth }, IGNORE);
  }

  /** Remembers a failure that condemns the block for good (consensus/invalidity.ts). */
  private remember(key: string, error: RuleError): void {
    if (invalidates(error)) this.invalid.set(key, { code: error.code, gossip: error.gossip });
  }

  /** How many key blocks below the tip `entry`'s branch leaves the best chain (0 on the best chain). */
  private forkDepth(entry: Entry): number {
    const tipHeight = this.tipEntry.keyHeight;
    for (let key: KeyEntry | undefined = entry.epochKey; key !== undefined; key = key.parent?.epochKey) {
      if (this.bestKeys[Number(key.keyHeight)] === key) {
        // On the best chain at this epoch; a microblock parent must also be one the tip descends from.
        return Number(tipHeight - key.keyHeight);
      }
      if (tipHeight - key.keyHeight > BigInt(this.params.undoDepth)) return Number(tipHeight - key.keyHeight);
    }
    return 0;
  }

  /** What a key block built on `parent` must carry (§3.5, §3.6): the miner's template uses the same. */
  nextKeyBlock(parent: Entry = this.tipEntry): NextKeyBlock {
    const parentKeys = keyAncestors(parent, Math.max(11, (this.params.retarget?.window ?? 0) + 1));
    const byHeight = new Map(parentKeys.map((k) => [Number(k.keyHeight), k]));
    return {
      prev: parent,
      height: parent.keyHeight + 1n,
      bits: nextBits(
        Number(parent.keyHeight),
        (h) => {
          const k = byHeight.get(h)!;
          return { time: k.block.header.time, bits: k.block.header.bits };
        },
        this.params,
      ),
      medianTimePast: medianTimePast(parentKeys.map((k) => k.block.header.time)),
    };
  }

  private contextCheck(incoming: AnyBlock, id: Uint8Array, parent: Entry, nowMs: number): Entry {
    if (incoming.kind === 'key') {
      const block = incoming.block;
      const next = this.nextKeyBlock(parent);
      checkKeyBlockContext(
        block,
        {
          // §3.4: a microblock of epoch h−1, or K_{h−1} itself if it was bootstrap-activated.
          parentAllowed: parent.kind === 'micro' || mayBuildOnKeyBlock(parent.activation),
          parentKeyHeight: parent.keyHeight,
          expectedBits: next.bits,
          medianTimePast: next.medianTimePast,
          nowS: Math.floor(nowMs / 1000),
        },
        this.params,
      );
      const entry: KeyEntry = {
        kind: 'key',
        id,
        hex: hex(id),
        parent,
        keyHeight: block.body.height,
        chainWork: parent.chainWork + workOf(checkedTarget(block.header.bits, this.params)),
        timeMs: BigInt(block.header.time) * 1000n,
        get epochKey() {
          return entry;
        },
        block,
        activation: keyBlockActivation(),
      };
      return entry;
    }
    const block = incoming.block;
    const epochKey = parent.epochKey;
    checkMicroblockContext(
      block,
      {
        parent:
          parent.kind === 'key'
            ? { kind: 'key', height: parent.keyHeight, timeS: parent.block.header.time }
            : { kind: 'micro', keyHeight: parent.keyHeight, seq: parent.seq, timeMs: parent.timeMs },
        epochKeyBlockId: epochKey.id,
        leaderKey: epochKey.block.body.leaderKey,
        minIntervalMs: this.params.minMicroblockIntervalMs,
        nowMs: BigInt(nowMs),
      },
      this.params,
    );
    return {
      kind: 'micro',
      id,
      hex: hex(id),
      parent,
      keyHeight: block.header.keyHeight,
      seq: block.header.seq,
      chainWork: parent.chainWork,
      timeMs: block.header.timeMs,
      epochKey,
      block,
    };
  }

  /** Fork choice (§3.4): more work wins; equal work only by extending the tip; otherwise the first seen stays. */
  private place(entry: Entry, encoded: Uint8Array): AddResult {
    const becomesTip =
      entry.chainWork > this.tipEntry.chainWork ||
      (entry.chainWork === this.tipEntry.chainWork && entry.parent === this.tipEntry);
    if (!becomesTip) return this.storeSide(entry, encoded);
    const from = this.tipEntry;
    const plan = planReorg(from, entry);
    const keyBlocksUndone = plan.disconnect.filter((e) => e.kind === 'key').length;
    if (keyBlocksUndone > this.params.undoDepth) {
      throw new RuleError('reorg-too-deep', { keyBlocks: keyBlocksUndone }, IGNORE);
    }
    let connecting: Entry | undefined;
    try {
      this.storage.commit((tables) => {
        tables.blocks.put(entry.id, encoded);
        for (const e of plan.disconnect) disconnect(tables, e);
        for (const e of plan.connect) {
          connecting = e;
          this.connect(tables, e);
        }
        tables.meta.put(TIP_KEY, entry.id);
      });
    } catch (error) {
      // The transaction rolled back whole. The block that failed is condemned, not the one that came in.
      if (error instanceof RuleError && connecting !== undefined) {
        this.condemn(plan.connect, connecting, error);
      }
      throw error;
    }
    this.index.set(entry.hex, entry);
    this.setTip(entry);
    for (const e of plan.disconnect) this.emit('disconnected', e);
    for (const e of plan.connect) this.emit('connected', e);
    if (plan.disconnect.length > 0) {
      this.emit('reorged', {
        from,
        to: entry,
        disconnected: plan.disconnect.length,
        connected: plan.connect.length,
      });
      return 'reorged';
    }
    return 'connected';
  }

  /**
   * A block on a side branch is stored without its transition (decision 19). A microblock has passed
   * §3.3 rules 1–4, which is all §10.2 asks before relaying it; its body is stored only if it also
   * binds to the header (rule 6), so a relayed alteration never takes the place of the real body.
   */
  private storeSide(entry: Entry, encoded: Uint8Array): AddResult {
    if (entry.kind === 'micro') {
      try {
        checkMicroblockTxBinding(entry.block);
      } catch (error) {
        if (error instanceof RuleError) return 'side';
        throw error;
      }
    }
    this.storage.commit((tables) => {
      tables.blocks.put(entry.id, encoded);
    });
    this.index.set(entry.hex, entry);
    return 'side';
  }

  /**
   * `failing` (one of `connecting`, oldest first) failed with `error` while its branch was being
   * connected: it is invalid if the failure condemns it, and so is every block after it (decision 18).
   */
  private condemn(connecting: readonly Entry[], failing: Entry, error: RuleError): void {
    if (!invalidates(error)) return;
    const at = connecting.indexOf(failing);
    this.remember(failing.hex, error);
    for (const e of connecting.slice(at + 1)) this.invalid.set(e.hex, DESCENDS_FROM_INVALID);
  }

  private connect(tables: Tables<WritableTable>, entry: Entry): void {
    const view = new OverlayState(tables.state);
    if (entry.kind === 'key') {
      const { body } = entry.block;
      keyConnect(
        view,
        {
          id: entry.id,
          height: entry.keyHeight,
          leaderKey: body.leaderKey,
          payout: body.payout,
          activation: entry.activation,
        },
        this.params,
      );
    } else {
      const { block } = entry;
      checkMicroblockActivation(block, isBootstrapEpoch(entry.epochKey.activation)); // §3.3 rule 5
      checkMicroblockTxBinding(block); // rule 6
      // Rule 7: the transactions, their signatures batch-verified first.
      checkTxsSanity(block.txs, this.params, this.alreadyVerified);
      for (const tx of block.txs) applyTx(view, tx, { keyHeight: entry.keyHeight }, this.params);
      block.txs.forEach((tx, position) => {
        tables.txindex.put(txId(tx), txLocation(entry.id, position));
      });
    }
    view.writeTo(tables.state);
    tables.undo.put(entry.id, encodeUndo(view.undoEntries()));
  }

  private adoptOrphans(parent: Entry): void {
    for (const [key, orphan] of this.orphans) {
      if (hex(orphan.block.header.prev) !== parent.hex) continue;
      this.orphans.delete(key);
      try {
        this.add(orphan);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
      }
    }
  }

  /** Rebuilds the index from the stored blocks: parents before children, then the stored tip. */
  private reload(): void {
    const pending: AnyBlock[] = [];
    for (const { value } of this.storage.read.blocks.range()) {
      const body = value.subarray(1);
      if (value[0] === 0) {
        const block = decodeKeyBlock(body);
        if (block.body.height !== 0n) pending.push({ kind: 'key', block });
      } else {
        pending.push({ kind: 'micro', block: decodeMicroblock(body) });
      }
    }
    let progress = true;
    while (pending.length > 0 && progress) {
      progress = false;
      for (let i = pending.length - 1; i >= 0; i--) {
        const item = pending[i]!;
        const parent = this.index.get(hex(item.block.header.prev));
        if (parent === undefined) continue;
        const id = item.kind === 'key' ? keyBlockId(item.block.header) : microblockId(item.block.header);
        // Stored blocks were checked on arrival; their times stay acceptable whatever the clock says now.
        const entry = this.contextCheck(item, id, parent, Number.MAX_SAFE_INTEGER);
        this.index.set(entry.hex, entry);
        pending.splice(i, 1);
        progress = true;
      }
    }
    const tip = this.storage.read.meta.get(TIP_KEY);
    const entry = tip === undefined ? undefined : this.index.get(hex(tip));
    if (entry === undefined)
      throw new Error('the stored tip is not among the stored blocks: resync into a new data directory');
    this.setTip(entry);
  }

  private setTip(entry: Entry): void {
    this.tipEntry = entry;
    const keys = this.bestKeys;
    keys.length = Math.min(keys.length, Number(entry.keyHeight) + 1);
    // Walk back until the array agrees with the new branch, then it is right again.
    for (let key: KeyEntry | undefined = entry.epochKey; key !== undefined; key = key.parent?.epochKey) {
      const height: number = Number(key.keyHeight);
      if (keys[height] === key) break;
      keys[height] = key;
    }
  }
}

function disconnect(tables: Tables<WritableTable>, entry: Entry): void {
  const undo = tables.undo.get(entry.id);
  if (undo === undefined)
    throw new Error(`no undo record for ${entry.hex}: resync into a new data directory`);
  applyUndo(tables.state, decodeUndo(undo));
  tables.undo.remove(entry.id);
  if (entry.kind === 'micro') for (const tx of entry.block.txs) tables.txindex.remove(txId(tx));
}

function txLocation(blockId: Uint8Array, position: number): Uint8Array {
  const out = new Uint8Array(36);
  out.set(blockId);
  new DataView(out.buffer).setUint32(32, position, true);
  return out;
}

function blockBytes(incoming: AnyBlock): Uint8Array {
  const encoded = incoming.kind === 'key' ? encodeKeyBlock(incoming.block) : encodeMicroblock(incoming.block);
  const out = new Uint8Array(1 + encoded.length);
  out[0] = incoming.kind === 'key' ? 0 : 1;
  out.set(encoded, 1);
  return out;
}
