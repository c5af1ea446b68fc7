// The chain owns the tip. add() runs a block through sanity, the orphan pool,
// context, fork choice, and connects it — or reorganises to its branch — in
// ONE LMDB transaction that writes the state changes, the undo record, the
// block and the tip (PROTOCOL.md §3.4, §9.2). Microblock rules run in §3.3's
// order; a side-branch microblock is checked under rules 1–4 only (§10.2) and
// the rest waits until its branch becomes best. A block that fails for good
// (consensus/invalidity.ts) is remembered with its verdict, so a re-delivery
// gets the same answer; its descendants fail as `bad-prev`, IGNOREd.
import { EventEmitter } from 'node:events';
import { checkedTarget, workOf } from '../consensus/difficulty.js';
import type { Activation } from '../consensus/activation.js';
import type { ActivationRules } from './activation-rules.js';
import { proofOfActivity } from './proof-of-activity.js';
import { drawEndorsers } from '../consensus/activity.js';
import { validators } from '../state/stake.js';
import { PARAM_MIN_MICROBLOCK_INTERVAL, paramInForce } from '../consensus/governed-params.js';
import { paramAfterKeyConnect } from '../state/param-changes.js';
import { invalidates } from '../consensus/invalidity.js';
import { checkKeyBlockSanity } from '../consensus/key-block-rules.js';
import { checkMicroblockSize, checkMicroblockTxBinding } from '../consensus/microblock-rules.js';
import type { SignatureCache } from '../consensus/signature-cache.js';
import { RuleError } from '../protocol/errors.js';
import { decodeKeyBlock, genesisBlock, keyBlockId } from '../protocol/key-block.js';
import {
  decodeMicroblockHeader,
  encodeMicroblockHeader,
  microblockId,
  type Microblock,
  type MicroblockHeader,
} from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { txId, type Tx } from '../protocol/tx.js';
import { applyGenesis, applyTx } from '../state/apply.js';
import { stateDigest } from '../state/digest.js';
import {
  incomeOf,
  musicFrom,
  songIncomeOf,
  songsOf,
  type MusicIncome,
  type SongIncome,
} from '../state/music-index.js';
import {
  rewardKindTotals,
  rewardPage,
  rewardTotals,
  rewardsFrom,
  type RewardCursor,
  type RewardRecord,
} from '../state/reward-history.js';
import { latestSettledPeriod, settlementOf, type SettlementRecord } from '../state/settlement-record.js';
import { decodeUndo } from '../state/undo.js';
import { OverlayState, type UndoEntry } from '../state/view.js';
import type { Storage, Table, Tables, WritableTable } from '../storage/db.js';
import {
  appendIndexRecord,
  decodeIndexRecord,
  indexSize,
  type IndexRecord,
} from '../storage/index-record.js';
import { META_TIP } from '../storage/layout.js';
import { toHex } from '../util/bytes.js';
import type { Logger } from '../util/logger.js';
import { BlockIndex } from './block-index.js';
import { blockId, decodeStoredBlock, encodeStoredBlock, type AnyBlock } from './block-store.js';
import {
  checkContext,
  isCandidate,
  keyEntry,
  microEntry,
  nextKeyBlock,
  type NextKeyBlock,
} from './context.js';
import { planReorg, type Entry, type KeyEntry } from './index-entry.js';
import { EquivocationLog, type Evidence, type Sighting } from './equivocations.js';
import { Failures, type Failure } from './failures.js';
import { NO_CHAIN_METRICS, type ChainMetrics } from './metrics.js';
import { OrphanPool } from './orphans.js';
import { SideBodyBudget, type SideBodyLimits } from './side-bodies.js';
import { connectBlock, decodeTxLocation, disconnectBlock, type TransitionContext } from './transition.js';

export type { AnyBlock } from './block-store.js';
export type { NextKeyBlock } from './context.js';
export { MAX_ORPHANS } from './orphans.js';
export type { Evidence } from './equivocations.js';

const IGNORE = { gossip: 'ignore' } as const;
const DESCENDS_FROM_INVALID: Failure = { code: 'bad-prev', gossip: 'ignore' };
const TIP_KEY = new TextEncoder().encode(META_TIP);
/** How often a long load of the block index reports its progress. */
const LOAD_REPORT_MS = 2000;

/**
 * `side`: stored on a side branch, or relayed as equivocation evidence (§10.2: relay it);
 * `candidate`: a valid key block waiting for its endorsements, stored without state or weight (§3.4);
 * `unkept`: a side-branch microblock past the side-branch budgets, or a candidate past MAX_CANDIDATES,
 * neither stored nor to be relayed.
 */
export type AddResult = 'connected' | 'reorged' | 'side' | 'candidate' | 'orphan' | 'duplicate' | 'unkept';

/** Candidate key blocks kept at once (§3.4 policy). */
export const MAX_CANDIDATES = 64;
/** How many reward periods of key-block draws Chain.drawOf keeps (decision 132). */
export const DRAW_MEMO_PERIODS = 2;

export interface AddOptions {
  /**
   * It came unasked — by gossip, or fetched as an orphan's parent — rather than from our own
   * leader, the API or a range sync of a heavier chain: a side-branch body then counts against
   * the side-branch budgets (chain/side-bodies.ts).
   */
  readonly unsolicited?: boolean;
}

/** Block events carry the block itself: a microblock's body is not kept in the index. */
export interface ChainEvents {
  connected: [Entry, AnyBlock];
  /** A key block stored as a candidate, waiting for its endorsements (§5.4). */
  candidate: [KeyEntry];
  disconnected: [Entry, AnyBlock];
  reorged: [
    { readonly from: Entry; readonly to: Entry; readonly disconnected: number; readonly connected: number },
  ];
}

export interface ChainOptions {
  readonly params: NetworkParams;
  /** Unix milliseconds; tests pass a fake clock. */
  readonly now?: () => number;
  /** Transactions whose signatures this node verified already (the mempool fills it). */
  readonly signatures?: SignatureCache;
  /** For what the operator must act on (a heavier chain beyond UNDO_DEPTH, §3.4). */
  readonly logger?: Logger;
  /** Side-branch budgets (chain/side-bodies.ts); tests pass small ones. */
  readonly sideBodyLimits?: SideBodyLimits;
  /** How key blocks are activated (chain/activation-rules.ts); bootstrap only when left out. */
  readonly activation?: ActivationRules;
  /** Blocks connected and reorgs, counted (chain/metrics.ts); nothing when left out. */
  readonly metrics?: ChainMetrics;
}

export class Chain extends EventEmitter<ChainEvents> {
  private readonly index: BlockIndex;
  private readonly invalid = new Failures();
  private readonly orphans = new OrphanPool();
  private readonly equivocations = new EquivocationLog();
  /** Candidate key blocks no M_{h,0} has built on yet (§3.4: at most MAX_CANDIDATES). */
  private readonly candidates = new Set<string>();
  /** The §5.2 draws computed (waiting candidates and recent endorsed key blocks), oldest first. */
  private readonly drawCache = new Map<string, readonly Uint8Array[]>();
  private readonly sideBodies: SideBodyBudget;
  /** Each epoch's MIN_MICROBLOCK_INTERVAL once computed (microblockIntervalInForce). */
  private readonly intervals = new WeakMap<KeyEntry, number>();
  private readonly params: NetworkParams;
  private readonly now: () => number;
  private readonly transition: TransitionContext;
  private readonly logger: Logger | undefined;
  private readonly metrics: ChainMetrics;

  private constructor(
    private readonly storage: Storage,
    options: ChainOptions,
    genesis: KeyEntry,
  ) {
    super();
    this.params = options.params;
    this.now = options.now ?? Date.now;
    const { signatures } = options;
    this.transition = {
      params: options.params,
      activation: options.activation ?? proofOfActivity(options.params),
      alreadyVerified: signatures === undefined ? () => false : (tx) => signatures.has(txId(tx)),
    };
    this.logger = options.logger;
    this.metrics = options.metrics ?? NO_CHAIN_METRICS;
    this.index = new BlockIndex(genesis);
    this.sideBodies = new SideBodyBudget(options.params.undoDepth, options.sideBodyLimits);
  }

  /** Opens the chain in `storage`, writing genesis on first use and reloading every stored block after. */
  static open(storage: Storage, options: ChainOptions): Chain {
    const block = genesisBlock(options.params);
    const id = keyBlockId(block.header);
    const genesis: KeyEntry = {
      kind: 'key',
      id,
      hex: toHex(id),
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
        store(tables, genesis, encodeStoredBlock({ kind: 'key', block }));
        tables.meta.put(TIP_KEY, id);
      });
    } else {
      chain.load();
    }
    return chain;
  }

  get tip(): Entry {
    return this.index.tip;
  }

  get(id: Uint8Array): Entry | undefined {
    return this.index.get(id);
  }

  /** How a block failed for good, if it did: what a re-delivery is answered (§10.2). */
  knownFailure(id: Uint8Array): Failure | undefined {
    return this.invalid.get(toHex(id));
  }

  /** The best chain's key block at `height`. */
  keyAt(height: bigint): KeyEntry | undefined {
    return this.index.keyAt(height);
  }

  /** The best chain's blocks of epoch `height`, key block first. */
  epochBlocks(height: bigint): Entry[] {
    return this.index.epochBlocks(height);
  }

  /** The whole block of an index entry: a microblock's body is read from LMDB. */
  blockOf(entry: Entry): AnyBlock {
    return entry.kind === 'key' ? { kind: 'key', block: entry.block } : storedBody(this.storage.read, entry);
  }

  /** The block as stored: kind u8 (0 key, 1 micro) ‖ its encoding, the §10.3 block message body. */
  storedBytes(entry: Entry): Uint8Array {
    const bytes = this.storage.read.blocks.get(entry.id);
    if (bytes === undefined)
      throw new Error(`block ${entry.hex} is indexed but not stored: resync into a new data directory`);
    return bytes;
  }

  /** Where a transaction sits on the best chain, from the transaction index. */
  txLocation(
    id: Uint8Array,
  ): { readonly block: Entry; readonly position: number; readonly tx: Tx } | undefined {
    const stored = this.storage.read.txindex.get(id);
    if (stored === undefined) return undefined;
    const { blockId: at, position } = decodeTxLocation(stored);
    const block = this.get(at);
    const body = block === undefined ? undefined : this.blockOf(block);
    const tx = body?.kind === 'micro' ? body.block.txs[position] : undefined;
    return block === undefined || tx === undefined ? undefined : { block, position, tx };
  }

  /**
   * A page of `account`'s reward history, newest first (state/reward-history.ts), with its all-time
   * and pending totals as of the tip, and the key height from which the history is complete.
   */
  rewardHistory(
    account: Uint8Array,
    limit: number,
    before?: RewardCursor,
  ): {
    readonly records: RewardRecord[];
    readonly more: boolean;
    readonly totals: { readonly credited: bigint; readonly pending: bigint };
    readonly tipHeight: bigint;
    readonly completeFrom: bigint;
  } {
    const { rewards, meta } = this.storage.read;
    const tipHeight = this.tip.keyHeight;
    return {
      ...rewardPage(rewards, account, limit, before),
      totals: rewardTotals(rewards, account, tipHeight),
      tipHeight,
      completeFrom: rewardsFrom(meta),
    };
  }

  /**
   * An account's credited and pending rewards of one kind (§3.10) as of the tip, from the reward
   * history, and the key height from which the history is complete.
   */
  rewardsOfKind(
    account: Uint8Array,
    kind: number,
  ): { readonly credited: bigint; readonly pending: bigint; readonly completeFrom: bigint } {
    const { rewards, meta } = this.storage.read;
    return {
      ...rewardKindTotals(rewards, account, kind, this.tip.keyHeight),
      completeFrom: rewardsFrom(meta),
    };
  }

  /**
   * The music index (state/music-index.ts) on the best chain: what Donate and Subscribe paid an
   * account, what a song received, an owner's songs, and the key height the income is complete from.
   */
  music(): {
    readonly income: (account: Uint8Array) => MusicIncome;
    readonly song: (songId: Uint8Array) => SongIncome;
    readonly songsOf: (
      owner: Uint8Array,
      limit: number,
    ) => { readonly songs: Uint8Array[]; readonly more: boolean };
    readonly completeFrom: bigint;
  } {
    const { music, meta } = this.storage.read;
    return {
      income: (account) => incomeOf(music, account),
      song: (songId) => songIncomeOf(music, songId),
      songsOf: (owner, limit) => songsOf(music, owner, limit),
      completeFrom: musicFrom(meta),
    };
  }

  /**
   * The record of period `period`'s settlement on the best chain (state/settlement-record.ts), or
   * without a period the newest one; undefined if that period is not settled on this chain (or was
   * settled before this node kept records).
   */
  settlement(period?: bigint): SettlementRecord | undefined {
    const { settlements } = this.storage.read;
    const n = period ?? latestSettledPeriod(settlements);
    return n === undefined ? undefined : settlementOf(settlements, n);
  }

  /** What a key block built on `parent` must carry (§3.5, §3.6): the miner's template uses the same. */
  nextKeyBlock(parent: Entry = this.tip): NextKeyBlock {
    return nextKeyBlock(parent, this.params);
  }

  /**
   * MIN_MICROBLOCK_INTERVAL in force for the epoch of `epochKey`: the value after KeyConnect(K_h)
   * (§3.3, §8.3), computed tentatively from the state after K_h.prev while K_h waits for its M_{h,0}.
   * It depends on K_h's branch alone, so each key block's is computed once: from the tip's state
   * when the tip is in that epoch, else by rebuilding the state of its branch (readAfter).
   */
  microblockIntervalInForce(epochKey: KeyEntry): number {
    const known = this.intervals.get(epochKey);
    if (known !== undefined) return known;
    const read = (view: OverlayState): bigint =>
      isCandidate(epochKey)
        ? paramAfterKeyConnect(view, PARAM_MIN_MICROBLOCK_INTERVAL, epochKey.keyHeight, this.params)
        : paramInForce(view, PARAM_MIN_MICROBLOCK_INTERVAL, this.params);
    const value = Number(
      this.tip.epochKey === epochKey
        ? paramInForce(this.state(), PARAM_MIN_MICROBLOCK_INTERVAL, this.params)
        : this.readAfter(isCandidate(epochKey) ? epochKey.parent! : epochKey, read),
    );
    this.intervals.set(epochKey, value);
    return value;
  }

  /**
   * The transactions, in order, that apply on the tip in a microblock stamped `timeMs` (the
   * leader's header time; by default this node's clock); any that would fail is left out (a
   * leader's dry run).
   */
  applicableTxs(txs: readonly Tx[], timeMs: bigint = BigInt(this.now())): Tx[] {
    const view = this.state();
    const context = {
      keyHeight: this.tip.keyHeight,
      keyTime: this.tip.epochKey.block.header.time,
      timeS: timeMs / 1000n,
    };
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

  /**
   * The undo record of `entry` (§9.2): the prior value, or absence, of every key its connect changed;
   * undefined for a block not connected (off the best chain) and for genesis, which has none.
   */
  undoOf(entry: Entry): readonly UndoEntry[] | undefined {
    const stored = this.storage.read.undo.get(entry.id);
    return stored === undefined ? undefined : decodeUndo(stored);
  }

  /**
   * What judging an endorsement of `keyBlockId` needs (§5.3, §10.2): the candidate, its draw from
   * the §5.1 snapshot, and whether its prev is on our best chain (then an invalid endorsement is
   * REJECTed). Undefined when no candidate waits under that id — unknown, not a candidate, or
   * already activated — which gossip IGNOREs.
   */
  endorsementTarget(keyBlockId: Uint8Array):
    | {
        readonly key: KeyEntry;
        readonly slotOwners: readonly Uint8Array[];
        readonly prevOnBestChain: boolean;
      }
    | undefined {
    const hex = toHex(keyBlockId);
    if (!this.candidates.has(hex)) return undefined;
    const key = this.index.byHex(hex);
    if (key === undefined || !isCandidate(key)) return undefined;
    const parent = key.parent!;
    const slotOwners = this.drawOf(key);
    return { key, slotOwners, prevOnBestChain: this.isOnBestChain(parent) };
  }

  /**
   * The §5.2 draw of an endorsed key block (its slot owners, from the §5.1 snapshot), computed once:
   * the draws of the waiting candidates and of the last DRAW_MEMO_PERIODS reward periods' key blocks
   * are kept (decision 132), so GET /validators reads the period's draws without rebuilding snapshots.
   */
  drawOf(key: KeyEntry): readonly Uint8Array[] {
    let slotOwners = this.drawCache.get(key.hex);
    if (slotOwners !== undefined) return slotOwners;
    slotOwners = this.readAfter(key.parent!, (view) =>
      drawEndorsers(key.id, validators(view, this.params), this.params.poa.slots),
    );
    this.drawCache.set(key.hex, slotOwners);
    // Oldest first: drop the draws past the bound that no waiting candidate needs.
    const bound = MAX_CANDIDATES + DRAW_MEMO_PERIODS * this.params.rewardPeriod;
    for (const cached of this.drawCache.keys()) {
      if (this.drawCache.size <= bound) break;
      if (!this.candidates.has(cached)) this.drawCache.delete(cached);
    }
    return slotOwners;
  }

  /** The draw of `key` if drawOf has computed it and still keeps it. */
  knownDraw(key: KeyEntry): readonly Uint8Array[] | undefined {
    return this.drawCache.get(key.hex);
  }

  /** Whether `entry` is a key block waiting for its M_{h,0} (§3.4), kept among the candidates. */
  isWaiting(entry: Entry): boolean {
    return isCandidate(entry) && this.candidates.has(entry.hex);
  }

  /** The candidates waiting on `parent`: key blocks of its next height that wait for their M_{h,0}. */
  candidatesOn(parent: Entry): KeyEntry[] {
    const waiting: KeyEntry[] = [];
    for (const hex of this.candidates) {
      const key = this.index.byHex(hex);
      if (key !== undefined && key.kind === 'key' && key.parent === parent) waiting.push(key);
    }
    return waiting;
  }

  /** Whether `entry` is on the best chain (the tip or one of its ancestors). */
  isOnBestChain(entry: Entry): boolean {
    if (this.index.keyAt(entry.keyHeight) !== entry.epochKey) return false;
    return entry.kind === 'key' || this.index.epochBlocks(entry.keyHeight).includes(entry);
  }

  /** Leader equivocations seen (§3.9): both signed headers of each, for a Poison transaction. */
  equivocationEvidence(): Evidence[] {
    return this.equivocations.evidence();
  }

  /**
   * Whether a microblock that arrived unasked is worth decoding, from its header and size alone
   * (decision 90): not if we hold it, nor if its parent is known and it could only end up unkept on
   * a side branch — past the budgets and not equivocation evidence, or a further copy of relayed
   * evidence — with no waiting orphan making its branch heavier. The rest, orphans included, is
   * decoded and added as usual.
   */
  worthDecoding(header: MicroblockHeader, encodedLength: number): boolean {
    const id = toHex(microblockId(header));
    if (this.index.has(id)) return false;
    const parent = this.index.byHex(toHex(header.prev));
    if (parent === undefined || parent === this.tip) return true;
    // A microblock adds no work: its branch has its parent's.
    if (this.heavierBelow({ hex: id, chainWork: parent.chainWork })) return true;
    const epochKey = parent.epochKey;
    const sighting = this.equivocations.peek(epochKey.hex, header.seq, id);
    // Evidence is relayed whatever the budgets (its body is not stored); a further copy never is.
    if (sighting === 'known') return false;
    if (sighting === 'evidence') return true;
    return this.sideBodies.allows(epochKey, encodedLength, this.tip.keyHeight);
  }

  add(incoming: AnyBlock, options: AddOptions = {}): AddResult {
    const unsolicited = options.unsolicited ?? false;
    const id = blockId(incoming);
    const key = toHex(id);
    // Before the index: a side-branch block stays indexed after its branch failed to connect.
    const failed = this.invalid.get(key);
    if (failed !== undefined) {
      throw new RuleError(failed.code, { id: key, reason: 'known invalid' }, { gossip: failed.gossip });
    }
    if (this.index.has(key)) return 'duplicate';
    // Stage 1: sanity, from the bytes alone. Never remembered: each delivery re-derives the same verdict,
    // and a key block's body or a microblock's unsigned parts may be a third party's alteration.
    const encoded = encodeStoredBlock(incoming);
    if (incoming.kind === 'key') checkKeyBlockSanity(incoming.block, this.params);
    else checkMicroblockSize(incoming.block, encoded.length - 1); // §3.3 rule 1
    const prev = toHex(incoming.block.header.prev);
    if (this.invalid.has(prev)) {
      // [IGNORE] The sender may have relayed it on a side branch, unchecked beyond §3.3 rules 1–4 (§10.2).
      this.invalid.set(key, DESCENDS_FROM_INVALID);
      throw new RuleError('bad-prev', { reason: 'descends from an invalid block', id: key }, IGNORE);
    }
    const parent = this.index.byHex(prev);
    if (parent === undefined) {
      this.orphans.add(key, { block: incoming, unsolicited }, encoded.length);
      return 'orphan';
    }
    this.checkForkDepth(incoming, parent);
    // Stage 2: context, against the parent (§3.5 rules 3–5; §3.3 rules 2–4).
    let entry: Entry;
    try {
      entry = checkContext(
        incoming,
        id,
        parent,
        this.now(),
        this.params,
        (block, at) => this.transition.activation.activation(block, at, (read) => this.readAfter(at, read)),
        (epochKey) => this.microblockIntervalInForce(epochKey),
      );
    } catch (error) {
      if (error instanceof RuleError) this.remember(key, error);
      throw error;
    }
    if (isCandidate(entry)) {
      const kept = this.storeCandidate(entry, encoded);
      if (kept === 'candidate') this.adoptOrphans(entry);
      return kept;
    }
    const sighting = incoming.kind === 'micro' ? this.noteMicroblock(entry, incoming.block) : 'first';
    // A further copy of an equivocation already relayed is dropped, unless a heavier branch needs it.
    if (sighting === 'known' && unsolicited && !this.heavierBelow(entry)) return 'duplicate';
    const result = this.place(entry, incoming, encoded, { sighting, unsolicited });
    if (result !== 'unkept') this.adoptOrphans(entry);
    return result;
  }

  /**
   * [IGNORE] A branch leaving the best chain more than UNDO_DEPTH key blocks below the tip can never be
   * reorganised to (§3.4), so it is not stored: a peer cannot fill the disk with cheap old forks (§10.2).
   * If that branch is heavier than ours, the operator must resync: an error, not spam.
   */
  private checkForkDepth(incoming: AnyBlock, parent: Entry): void {
    const forkDepth = this.index.forkDepth(parent, this.params.undoDepth);
    if (forkDepth <= this.params.undoDepth) return;
    const work =
      parent.chainWork +
      (incoming.kind === 'key' ? workOf(checkedTarget(incoming.block.header.bits, this.params)) : 0n);
    if (work > this.tip.chainWork) {
      this.logger?.error(
        { forkDepth, tip: this.tip.hex, undoDepth: this.params.undoDepth },
        'a heavier chain forks deeper than UNDO_DEPTH: resync into a new data directory',
      );
    }
    throw new RuleError('reorg-too-deep', { forkDepth }, IGNORE);
  }

  /** A microblock that passed §3.3 rules 1–4, in the equivocation log; the second of a pair is logged. */
  private noteMicroblock(entry: Entry, block: Microblock): Sighting {
    const sighting = this.equivocations.note(entry.epochKey.hex, entry.hex, block);
    if (sighting === 'evidence') {
      this.logger?.warn(
        { keyBlock: entry.epochKey.hex, seq: block.header.seq, id: entry.hex },
        'a leader signed two microblocks with one seq: Poison evidence, relayed once',
      );
    }
    return sighting;
  }

  /** Remembers a failure that condemns the block for good (consensus/invalidity.ts). */
  private remember(key: string, error: RuleError): void {
    if (invalidates(error)) this.invalid.set(key, { code: error.code, gossip: error.gossip });
  }

  /** Fork choice (§3.4): more work wins; equal work only by extending the tip; otherwise the first seen stays. */
  private place(
    entry: Entry,
    incoming: AnyBlock,
    encoded: Uint8Array,
    arrival: { readonly sighting: Sighting; readonly unsolicited: boolean },
  ): AddResult {
    const becomesTip =
      entry.chainWork > this.tip.chainWork ||
      (entry.chainWork === this.tip.chainWork && entry.parent === this.tip);
    if (!becomesTip) return this.storeSide(entry, incoming, encoded, arrival);
    const from = this.tip;
    const plan = planReorg(from, entry);
    const keyBlocksUndone = plan.disconnect.filter((e) => e.kind === 'key').length;
    if (keyBlocksUndone > this.params.undoDepth) {
      throw new RuleError('reorg-too-deep', { keyBlocks: keyBlocksUndone }, IGNORE);
    }
    let connecting: Entry | undefined;
    const disconnected: AnyBlock[] = [];
    const connected: AnyBlock[] = [];
    try {
      this.storage.commit((tables) => {
        store(tables, entry, encoded);
        for (const e of plan.disconnect) {
          const body = storedBody(tables, e);
          disconnectBlock(tables, e, body, this.params);
          disconnected.push(body);
        }
        for (const e of plan.connect) {
          connecting = e;
          const body = e === entry ? incoming : storedBody(tables, e);
          connectBlock(tables, e, body, this.transition);
          connected.push(body);
        }
        tables.meta.put(TIP_KEY, entry.id);
      });
    } catch (error) {
      // The transaction rolled back whole. The block that failed is condemned, not the one that came in.
      if (error instanceof RuleError && connecting !== undefined) {
        this.condemn(plan.connect, connecting, error);
        // The block that came in answers as a re-delivery of it will: a descendant of the condemned one.
        if (connecting !== entry && invalidates(error)) {
          throw new RuleError(
            'bad-prev',
            {
              reason: 'descends from an invalid block',
              id: entry.hex,
              failed: connecting.hex,
              code: error.code,
            },
            IGNORE,
          );
        }
      }
      throw error;
    }
    this.indexAdd(entry);
    this.index.setTip(entry);
    plan.disconnect.forEach((e, i) => this.emit('disconnected', e, disconnected[i]!));
    plan.connect.forEach((e, i) => this.emit('connected', e, connected[i]!));
    for (const e of plan.connect) {
      if (e.kind === 'key') this.metrics.keyBlockConnected();
      else this.metrics.microblockConnected();
    }
    if (plan.disconnect.length > 0) {
      this.metrics.reorg(plan.disconnect.length);
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
   * One that came unasked is stored only if a waiting orphan makes its branch heavier, or if it is
   * not the second of an equivocating pair (relayed, kept as evidence only) and the side-branch
   * budgets allow it.
   */
  private storeSide(
    entry: Entry,
    incoming: AnyBlock,
    encoded: Uint8Array,
    arrival: { readonly sighting: Sighting; readonly unsolicited: boolean },
  ): AddResult {
    if (incoming.kind === 'micro') {
      try {
        checkMicroblockTxBinding(incoming.block);
      } catch (error) {
        if (error instanceof RuleError) return 'side';
        throw error;
      }
      if (arrival.unsolicited && !this.heavierBelow(entry)) {
        if (arrival.sighting === 'evidence') return 'side';
        const admitted = this.sideBodies.admit(entry.epochKey, encoded.length - 1, this.tip.keyHeight);
        if (!admitted) return 'unkept';
      }
    }
    this.storage.commit((tables) => {
      store(tables, entry, encoded);
    });
    this.indexAdd(entry);
    return 'side';
  }

  /**
   * A key block waiting for endorsements: stored and indexed, so its M_{h,0} finds it and peers can
   * fetch it by id, but no block other than that microblock may build on it and it has no weight.
   */
  private storeCandidate(entry: KeyEntry, encoded: Uint8Array): AddResult {
    for (const hex of this.candidates) {
      const candidate = this.index.byHex(hex);
      // Too deep below the tip to ever connect (§3.4): it no longer takes a place.
      if (
        candidate === undefined ||
        candidate.keyHeight + BigInt(this.params.undoDepth) < this.tip.keyHeight
      ) {
        this.candidates.delete(hex);
      }
    }
    if (this.candidates.size >= MAX_CANDIDATES) return 'unkept';
    this.storage.commit((tables) => {
      store(tables, entry, encoded);
    });
    this.indexAdd(entry);
    this.emit('candidate', entry);
    return 'candidate';
  }

  /** Indexes a stored block; a candidate stops counting once an M_{h,0} builds on it. */
  private indexAdd(entry: Entry): void {
    this.index.add(entry);
    if (isCandidate(entry)) this.candidates.add(entry.hex);
    else if (entry.parent !== undefined && isCandidate(entry.parent))
      this.candidates.delete(entry.parent.hex);
  }

  /**
   * Reads the state after `entry` (§5.1's snapshot when `entry` is a key block's parent): the tip's
   * state, or for any other block the state a reorganisation to it would leave, built in a
   * transaction that is rolled back once `read` has returned.
   */
  private readAfter<T>(entry: Entry, read: (view: OverlayState) => T): T {
    if (entry === this.tip) return read(this.state());
    const plan = planReorg(this.tip, entry);
    let result: { value: T } | undefined;
    let connecting: Entry | undefined;
    try {
      this.storage.commit((tables) => {
        for (const e of plan.disconnect) disconnectBlock(tables, e, storedBody(tables, e), this.params);
        for (const e of plan.connect) {
          connecting = e;
          connectBlock(tables, e, storedBody(tables, e), this.transition);
        }
        result = { value: read(new OverlayState(tables.state)) };
        throw ROLLBACK;
      });
    } catch (error) {
      if (error === ROLLBACK) return result!.value;
      // A side branch is first applied here: a block of it that fails is condemned, with what follows.
      if (!(error instanceof RuleError) || connecting === undefined) throw error;
      this.condemn(plan.connect, connecting, error);
      throw new RuleError(
        'bad-prev',
        { reason: 'descends from an invalid block', failed: connecting.hex, code: error.code },
        IGNORE,
      );
    }
    throw new Error('a rolled-back read returned without rolling back');
  }

  /** Whether orphans waiting on `entry` would make its branch heavier than the tip: then it is needed. */
  private heavierBelow(entry: Pick<Entry, 'hex' | 'chainWork'>): boolean {
    const descent = this.orphans.heaviestDescent(entry.hex, (block) =>
      workOf(checkedTarget(block.header.bits, this.params)),
    );
    return descent > 0n && entry.chainWork + descent > this.tip.chainWork;
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

  private adoptOrphans(parent: Entry): void {
    for (const orphan of this.orphans.takeChildren(parent.hex)) {
      try {
        this.add(orphan.block, { unsolicited: orphan.unsolicited });
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
      }
    }
  }

  /**
   * Rebuilds the in-memory index from the stored index records, in one pass: they are numbered in
   * the order stored, so every parent comes before its children. Nothing is validated again (it was
   * on arrival) and no block body is read; the node's log shows the progress of a long load.
   */
  private load(): void {
    const total = indexSize(this.storage.read.meta);
    const started = performance.now();
    let reported = started;
    let loaded = 0;
    for (const { value } of this.storage.read.index.range()) {
      const entry = this.entryOf(decodeIndexRecord(value));
      if (entry !== undefined) this.indexAdd(entry);
      loaded++;
      if (performance.now() - reported > LOAD_REPORT_MS) {
        reported = performance.now();
        this.logger?.info({ loaded, total }, `loading the block index: ${loaded} of ${total} blocks`);
      }
    }
    const tip = this.storage.read.meta.get(TIP_KEY);
    const entry = tip === undefined ? undefined : this.index.get(tip);
    if (entry === undefined)
      throw new Error('the stored tip is not among the indexed blocks: resync into a new data directory');
    this.index.setTip(entry);
    this.logger?.info(
      { blocks: loaded, height: Number(entry.keyHeight), ms: Math.round(performance.now() - started) },
      'block index loaded',
    );
  }

  /** The index entry of a stored record; undefined for genesis, which the index starts with. */
  private entryOf(record: IndexRecord): Entry | undefined {
    if (record.kind === 'key') {
      const block = decodeKeyBlock(record.bytes);
      if (block.body.height === 0n) return undefined;
      const parent = this.requireParent(block.header.prev);
      return keyEntry(block, keyBlockId(block.header), parent, activationOf(record.activation), this.params);
    }
    const header = decodeMicroblockHeader(record.bytes);
    const parent = this.requireParent(header.prev);
    return microEntry(header, microblockId(header), parent);
  }

  private requireParent(prev: Uint8Array): Entry {
    const parent = this.index.get(prev);
    if (parent === undefined)
      throw new Error(
        `block index record before its parent ${toHex(prev)}: resync into a new data directory`,
      );
    return parent;
  }
}

/** Thrown inside a commit to roll it back. */
class Rollback extends Error {}
const ROLLBACK = new Rollback('rolled back on purpose');

/** Writes a block and its index record (in the caller's transaction). */
function store(tables: Tables<WritableTable>, entry: Entry, encoded: Uint8Array): void {
  tables.blocks.put(entry.id, encoded);
  appendIndexRecord(tables.meta, tables.index, {
    kind: entry.kind,
    activation: entry.kind === 'key' ? entry.activation : 0,
    bytes: entry.kind === 'key' ? encoded.subarray(1) : encodeMicroblockHeader(entry.header),
  });
}

/** A stored block's body, as of `tables`. */
function storedBody(tables: Tables<Table>, entry: Entry): AnyBlock {
  const bytes = tables.blocks.get(entry.id);
  if (bytes === undefined)
    throw new Error(`block ${entry.hex} is indexed but not stored: resync into a new data directory`);
  return decodeStoredBlock(bytes);
}

function activationOf(value: number): Activation {
  if (value !== 0 && value !== 1 && value !== 2)
    throw new Error(`bad activation ${value} in the block index`);
  return value;
}
