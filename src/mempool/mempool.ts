// The transaction pool (PROTOCOL.md §4.14: policy, not consensus). add() runs
// a tx through its fields, the fee policy, its context against the tip (where
// the sender's pooled txs with lower nonces have already run) and only then its
// signature, the dear check a flood of stale txs should not buy; then it joins
// its sender's nonce chain and the pool is trimmed to its byte cap. The node
// calls the onBlock* hooks after each commit, so the pool follows the tip.
import { EventEmitter } from 'node:events';
import type { SignatureCache } from '../consensus/signature-cache.js';
import type { Account, StateView } from '../consensus/state-view.js';
import {
  checkTxContext,
  checkTxFields,
  checkTxSignature,
  txDebit,
  type TxContext,
} from '../consensus/tx-rules.js';
import { accountId } from '../protocol/address.js';
import { RuleError, type RuleCode } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import {
  MAX_PENDING_PER_SENDER,
  MEMPOOL_EXPIRY_MS,
  MEMPOOL_MAX_BYTES,
  MIN_RELAY_FEE_RATE,
  REPLACEMENT_FEE_PERCENT,
} from '../protocol/policy.js';
import { txEncodedLength, txId, type Tx } from '../protocol/tx.js';
import type { Logger } from '../util/logger.js';
import { Heap } from './heap.js';
import { feeRatePage, type PageCursor } from './pages.js';
import { selectFromHeads, type SelectLimits } from './select.js';
import {
  decayedRollingMinimum,
  evictsBefore,
  feeRateCeil,
  paysFeeRate,
  paysReplacement,
  selectsBefore,
  type FeeRate,
} from './policy.js';
import {
  PoolEntry,
  projectedAccount,
  projectedView,
  SenderPool,
  type MempoolEntry,
  type TxOrigin,
} from './sender.js';
import { toHex } from '../util/bytes.js';

export type { MempoolEntry, TxOrigin } from './sender.js';
export type { SelectLimits } from './select.js';
export type { PageCursor } from './pages.js';

/** What the pool reads of the chain; `Chain` is one. */
export interface MempoolChain {
  /** keyHeight: the epoch of the best tip, the key height c a tx would be included at. */
  readonly tip: { readonly keyHeight: bigint };
  /** A read view of the state at the tip. */
  state(): StateView;
  /** Where the best chain holds the transaction with this id (the transaction index), if it does. */
  txLocation(id: Uint8Array): object | undefined;
}

export interface MempoolOptions {
  /** Sum of encoded tx sizes. */
  readonly maxBytes: number;
  /** Base units per byte. */
  readonly minRelayFeeRate: bigint;
  /** Queued nonces per sender, counted from the state nonce. */
  readonly maxPerSender: number;
  readonly expiryMs: number;
  /** A replacement pays at least this percentage of the fee it replaces. */
  readonly replacementPercent: number;
}

/** §4.14. */
export const DEFAULT_MEMPOOL_OPTIONS: MempoolOptions = {
  maxBytes: MEMPOOL_MAX_BYTES,
  minRelayFeeRate: MIN_RELAY_FEE_RATE,
  maxPerSender: MAX_PENDING_PER_SENDER,
  expiryMs: MEMPOOL_EXPIRY_MS,
  replacementPercent: REPLACEMENT_FEE_PERCENT,
};

export interface MempoolModules {
  readonly chain: MempoolChain;
  readonly params: NetworkParams;
  /** Unix ms. */
  readonly now: () => number;
  readonly logger?: Logger;
  /** Where each verified signature is noted, so the chain need not verify it again. */
  readonly signatures?: SignatureCache;
}

export type RemovalReason = 'included' | 'replaced' | 'evicted' | 'expired' | 'invalid';

export interface MempoolEvents {
  accepted: [MempoolEntry, TxOrigin];
  removed: [MempoolEntry, RemovalReason];
}

// Policy failures are this node's choice, never the peer's fault (§4.14).
const IGNORE = { gossip: 'ignore' } as const;

function policyError(code: RuleCode, details: Readonly<Record<string, unknown>>): RuleError {
  return new RuleError(code, details, IGNORE);
}

export class Mempool extends EventEmitter<MempoolEvents> {
  private readonly opts: MempoolOptions;
  private readonly replacementPercent: bigint;
  private readonly byId = new Map<string, PoolEntry>();
  private readonly senders = new Map<string, SenderPool>();
  // A sender is in these heaps only while it holds entries (refresh), so its tail and head exist.
  /** Every sender, the one whose last tx has the lowest effective fee rate on top. */
  private readonly evictionOrder = new Heap<SenderPool>(
    (a, b) => evictsBefore(a.lowest, a.tail!, b.lowest, b.tail!),
    { get: (s) => s.evictAt, set: (s, i) => (s.evictAt = i) },
  );
  /** Senders with a ready tx, the best first tx on top. */
  private readonly heads = new Heap<SenderPool>((a, b) => selectsBefore(a.head!, b.head!), {
    get: (s) => s.headAt,
    set: (s, i) => (s.headAt = i),
  });
  private totalBytes = 0;
  private rolling = { rate: 0n, at: 0 };

  constructor(
    opts: Partial<MempoolOptions>,
    private readonly mods: MempoolModules,
  ) {
    super();
    this.opts = { ...DEFAULT_MEMPOOL_OPTIONS, ...opts };
    this.replacementPercent = BigInt(this.opts.replacementPercent);
  }

  get count(): number {
    return this.byId.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** What a new tx must pay per byte: the min relay fee rate or the decaying rolling minimum (§4.14). */
  get minFeeRate(): bigint {
    const { minRelayFeeRate } = this.opts;
    const rolling = decayedRollingMinimum(
      this.rolling.rate,
      this.mods.now() - this.rolling.at,
      minRelayFeeRate,
    );
    return rolling > minRelayFeeRate ? rolling : minRelayFeeRate;
  }

  has(id: Uint8Array): boolean {
    return this.byId.has(toHex(id));
  }

  get(id: Uint8Array): MempoolEntry | undefined {
    return this.byId.get(toHex(id));
  }

  entries(): Iterable<MempoolEntry> {
    return this.byId.values();
  }

  /** Up to `limit` entries by fee rate, highest first, after `after` (mempool/pages.ts). */
  page(
    limit: number,
    after?: PageCursor,
  ): { readonly entries: MempoolEntry[]; readonly next: PageCursor | null } {
    return feeRatePage(this.byId.values(), limit, after);
  }

  /** The state nonce plus the sender's contiguous pooled txs: a wallet's pending nonce. */
  nextNonce(account: Uint8Array): bigint | undefined {
    const state = this.mods.chain.state().account(account);
    if (state === undefined) return undefined;
    return this.senders.get(toHex(account))?.nextNonce(state.nonce) ?? state.nonce;
  }

  /** Throws a RuleError with the rule's code; emits 'accepted' with `origin` on success. */
  add(tx: Tx, origin: Exclude<TxOrigin, 'reorg'>): MempoolEntry {
    return this.accept(tx, origin);
  }

  /**
   * Fills a template (§4.14): the highest fee rate among every sender's next
   * ready tx, each sender in nonce order. A tx that does not fit ends its sender.
   */
  select(limits: SelectLimits): Tx[] {
    return selectFromHeads(this.heads, limits);
  }

  /** After a block's commit: its txs leave, and their senders' chains are re-checked against the new state. */
  onBlockConnected(txs: readonly Tx[]): void {
    const touched = new Map<string, SenderPool>();
    const included: PoolEntry[] = [];
    for (const tx of txs) {
      const entry = this.byId.get(toHex(txId(tx)));
      if (entry !== undefined) {
        this.remove(entry);
        included.push(entry);
        touched.set(entry.sender.key, entry.sender);
      } else {
        const sender = this.senders.get(toHex(accountId(tx.sender)));
        if (sender !== undefined) touched.set(sender.key, sender);
      }
    }
    const view = this.mods.chain.state();
    const invalid = [...touched.values()].flatMap((s) => this.settle(s, view.account(s.account), view));
    this.emitRemoved(included, 'included');
    this.emitRemoved(invalid, 'invalid');
  }

  /**
   * After a reorg's commit, once per disconnected microblock, tip first: its
   * txs come back (§4.14) without a second signature check and without the
   * rolling minimum. Those the new branch holds fail (txn-already-known) and are dropped.
   */
  onBlockDisconnected(txs: readonly Tx[]): void {
    const touched = new Set<string>();
    for (const tx of txs) {
      touched.add(toHex(accountId(tx.sender)));
      try {
        this.accept(tx, 'reorg');
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        this.mods.logger?.debug({ id: toHex(txId(tx)), code: err.code }, 'not re-adding a disconnected tx');
      }
    }
    // A sender whose nonce went back has gaps now: its later pooled txs are no longer ready.
    const view = this.mods.chain.state();
    for (const key of touched) {
      const sender = this.senders.get(key);
      const state = sender === undefined ? undefined : view.account(sender.account);
      if (sender !== undefined && sender.stateNonce !== state?.nonce) {
        this.emitRemoved(this.settle(sender, state, view), 'invalid');
      }
    }
  }

  /** Re-checks every sender's chain against the tip state: after a reorg, balances may have dropped. */
  revalidate(): void {
    const view = this.mods.chain.state();
    const invalid = [...this.senders.values()].flatMap((s) => this.settle(s, view.account(s.account), view));
    this.emitRemoved(invalid, 'invalid');
  }

  /** Drops txs older than expiryMs, or past valid_until at the next key height (§4.14), with their descendants. */
  expire(): void {
    const now = this.mods.now();
    const { keyHeight } = this.mods.chain.tip;
    const expired: PoolEntry[] = [];
    for (const sender of [...this.senders.values()]) {
      const at = sender.entries.findIndex(
        (e) =>
          e.addedAt + this.opts.expiryMs <= now || (e.tx.validUntil !== 0n && e.tx.validUntil < keyHeight),
      );
      if (at === -1) continue;
      const gone = sender.entries.slice(at);
      for (const e of gone) this.detach(e);
      this.refresh(sender);
      expired.push(...gone);
    }
    this.emitRemoved(expired, 'expired');
  }

  private accept(tx: Tx, origin: TxOrigin): MempoolEntry {
    const reAdd = origin === 'reorg';
    const id = txId(tx);
    const idHex = toHex(id);
    if (this.byId.has(idHex)) throw policyError('txn-already-known', { id: idHex, status: 'pending' });
    // A disconnected block's txs were verified when it connected.
    if (!reAdd) checkTxFields(tx, this.mods.params);
    const size = txEncodedLength(tx);
    const { minRelayFeeRate } = this.opts;
    if (!paysFeeRate(tx.fee, size, minRelayFeeRate)) {
      throw policyError('min-relay-fee-not-met', { fee: tx.fee, size, rate: minRelayFeeRate });
    }
    const minFeeRate = this.minFeeRate;
    if (!reAdd && !paysFeeRate(tx.fee, size, minFeeRate)) {
      throw policyError('mempool-min-fee-not-met', { fee: tx.fee, size, rate: minFeeRate });
    }

    const view = this.mods.chain.state();
    const account = accountId(tx.sender);
    const key = toHex(account);
    const state = view.account(account);
    let sender = this.senders.get(key);
    if (sender !== undefined && sender.stateNonce !== state?.nonce) {
      this.emitRemoved(this.settle(sender, state, view), 'invalid'); // the chain moved under it
      sender = this.senders.get(key);
    }
    // A confirmed tx's nonce is below its sender's state nonce, so only such a tx costs an index read;
    // resubmitting one is a known tx, not a stale nonce.
    if (state !== undefined && tx.nonce < state.nonce && this.mods.chain.txLocation(id) !== undefined) {
      throw policyError('txn-already-known', { id: idHex, status: 'confirmed' });
    }
    // §4.14: a chained tx is checked against what it will find once the sender's earlier pooled txs ran.
    const projected =
      state === undefined ? undefined : projectedAccount(sender?.entries ?? [], state, tx.nonce);
    // A PlayReport's context verifies up to 1,000 attestation signatures: its own one goes first,
    // so a forged report costs one verification, not a thousand (decision 175).
    const signedFirst = !reAdd && tx.payload.type === 8;
    if (signedFirst) checkTxSignature(tx, this.mods.params);
    checkTxContext(tx, projectedView(view, account, projected), this.txContext(), this.mods.params);
    if (state === undefined) throw new Error('checkTxContext passed a tx of an unknown account');

    const { maxPerSender } = this.opts;
    const replaced = sender?.find(tx.nonce);
    if (tx.nonce >= state.nonce + BigInt(maxPerSender)) {
      // Past the window: with nonces missing before it, the sender has to send those first (a gap);
      // without, the sender has maxPerSender txs queued and has to wait for blocks.
      const expected = sender?.nextNonce(state.nonce) ?? state.nonce;
      if (tx.nonce > expected) {
        throw policyError('nonce-gap', {
          nonce: tx.nonce,
          expected,
          missing: tx.nonce - expected,
          maxPerSender,
        });
      }
      throw policyError('too-many-pending', { nonce: tx.nonce, stateNonce: state.nonce, maxPerSender });
    }
    if (replaced === undefined && sender !== undefined && sender.entries.length >= maxPerSender) {
      throw policyError('too-many-pending', { pending: sender.entries.length, maxPerSender });
    }
    if (replaced !== undefined && !paysReplacement(tx.fee, replaced.tx.fee, this.replacementPercent)) {
      throw policyError('replacement-fee-too-low', {
        fee: tx.fee,
        replacedFee: replaced.tx.fee,
        percent: this.opts.replacementPercent,
      });
    }

    // Last of all (Bitcoin Core checks inputs before scripts): a tx that fails on state or policy
    // costs no signature check, and is IGNOREd whatever its signature, as such failures are (§10.2).
    if (!reAdd && !signedFirst) checkTxSignature(tx, this.mods.params);
    this.mods.signatures?.add(id);
    sender ??= new SenderPool(key, account, state.nonce);
    const entry = new PoolEntry(
      id,
      idHex,
      tx,
      size,
      this.mods.now(),
      tx.fee + txDebit(tx, this.mods.params),
      sender,
    );
    return this.insertAndTrim(entry, origin, replaced, state, view);
  }

  /** Puts `entry` in its sender's chain, then trims the pool to maxBytes; undoes it all if `entry` would go. */
  private insertAndTrim(
    entry: PoolEntry,
    origin: TxOrigin,
    replaced: PoolEntry | undefined,
    state: Account,
    view: StateView,
  ): MempoolEntry {
    const { sender } = entry;
    const before = sender.entries.slice();
    const readyBefore = before.map((e) => e.ready);
    if (replaced !== undefined) this.detach(replaced);
    this.attach(entry);
    // §4.14: a replacement may leave later txs without the funds they need.
    const invalid = this.settle(sender, state, view, sender.entries.indexOf(entry), entry);

    const evicted: { entry: PoolEntry; rate: FeeRate }[] = [];
    while (this.totalBytes > this.opts.maxBytes) {
      const victim = this.evictionOrder.peek();
      const tail = victim?.tail;
      if (victim === undefined || tail === undefined)
        throw new Error('over the byte cap with nothing to evict');
      if (tail === entry) {
        this.undo(entry, before, readyBefore, evicted);
        throw policyError('mempool-full', { size: entry.size, maxBytes: this.opts.maxBytes });
      }
      // §4.14: the lowest effective fee rate goes, last nonce first, so no kept tx loses an ancestor.
      evicted.push({ entry: tail, rate: victim.lowest });
      this.remove(tail);
    }

    if (evicted.length > 0) this.raiseRollingMinimum(evicted.map((e) => e.rate));
    if (replaced !== undefined) this.emitRemoved([replaced], 'replaced');
    this.emitRemoved(invalid, 'invalid');
    this.emitRemoved(
      evicted.map((e) => e.entry),
      'evicted',
    );
    this.emit('accepted', entry, origin);
    return entry;
  }

  /** Restores the pool as it was before `entry` came: a refused tx changes nothing. */
  private undo(
    entry: PoolEntry,
    before: readonly PoolEntry[],
    readyBefore: readonly boolean[],
    evicted: readonly { entry: PoolEntry }[],
  ): void {
    const { sender } = entry;
    for (const { entry: e } of [...evicted].reverse()) {
      if (e.sender !== sender) {
        this.attach(e);
        this.refresh(e.sender);
      }
    }
    this.detach(entry);
    before.forEach((e, i) => {
      if (this.byId.get(e.idHex) !== e) this.attach(e); // replaced, invalidated or evicted by `entry`
      e.ready = readyBefore[i] ?? false;
    });
    this.refresh(sender);
  }

  /**
   * Re-checks `sender`'s chain against `state` from index `from` on (the entries
   * before it stay valid), skipping `checked`. Sets the ready flags; drops the
   * txs below the state nonce, and each failure with its descendants. Returns the dropped.
   */
  private settle(
    sender: SenderPool,
    state: Account | undefined,
    view: StateView,
    from = 0,
    checked?: PoolEntry,
  ): PoolEntry[] {
    const dropped: PoolEntry[] = [];
    const drop = (entries: readonly PoolEntry[]): void => {
      for (const e of entries) this.detach(e);
      dropped.push(...entries);
    };
    if (state === undefined) {
      drop(sender.entries.slice());
      this.refresh(sender);
      return dropped;
    }
    const stale = sender.entries.filter((e) => e.tx.nonce < state.nonce);
    if (stale.length > 0) {
      drop(stale);
      from = 0;
    }
    let expected = state.nonce;
    let balance = state.balance;
    let ready = 0;
    for (const e of sender.entries) {
      if (e.tx.nonce !== expected) break;
      const recheck = ready >= from && e !== checked;
      if (
        recheck &&
        !this.passesContext(e, projectedView(view, sender.account, { nonce: expected, balance }))
      ) {
        drop(sender.entries.slice(ready));
        break;
      }
      e.ready = true;
      balance -= e.cost;
      expected++;
      ready++;
    }
    for (const e of sender.entries.slice(ready)) e.ready = false;
    sender.stateNonce = state.nonce;
    this.refresh(sender);
    return dropped;
  }

  /**
   * Where a pooled tx would apply: in the tip's epoch, in a microblock stamped about now (t, §4.1),
   * as the leader stamps its next microblock with its clock (decision 173).
   */
  private txContext(): TxContext {
    return { keyHeight: this.mods.chain.tip.keyHeight, timeS: BigInt(Math.floor(this.mods.now() / 1000)) };
  }

  private passesContext(entry: PoolEntry, view: StateView): boolean {
    try {
      checkTxContext(entry.tx, view, this.txContext(), this.mods.params);
      return true;
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      this.mods.logger?.debug(
        { id: entry.idHex, code: err.code },
        'dropping a pooled tx and its descendants',
      );
      return false;
    }
  }

  /** §4.14: raise the rolling minimum to the highest evicted fee rate plus the min relay fee rate. */
  private raiseRollingMinimum(rates: readonly FeeRate[]): void {
    const now = this.mods.now();
    const current = decayedRollingMinimum(
      this.rolling.rate,
      now - this.rolling.at,
      this.opts.minRelayFeeRate,
    );
    let raised = current;
    for (const rate of rates) {
      const candidate = feeRateCeil(rate) + this.opts.minRelayFeeRate;
      if (candidate > raised) raised = candidate;
    }
    this.rolling = { rate: raised, at: now };
  }

  private attach(entry: PoolEntry): void {
    const { sender } = entry;
    if (sender.entries.length === 0) this.senders.set(sender.key, sender);
    sender.insert(entry);
    this.byId.set(entry.idHex, entry);
    this.totalBytes += entry.size;
  }

  /** Leaves the sender's heap positions stale: refresh() it before any other heap changes. */
  private detach(entry: PoolEntry): void {
    entry.sender.remove(entry);
    this.byId.delete(entry.idHex);
    this.totalBytes -= entry.size;
  }

  private remove(entry: PoolEntry): void {
    this.detach(entry);
    this.refresh(entry.sender);
  }

  /** Puts the sender back in order in both heaps after its entries changed. */
  private refresh(sender: SenderPool): void {
    if (sender.entries.length === 0) {
      this.evictionOrder.remove(sender);
      this.heads.remove(sender);
      if (this.senders.get(sender.key) === sender) this.senders.delete(sender.key);
      return;
    }
    sender.recomputeLowest();
    this.evictionOrder.update(sender);
    if (sender.head === undefined) this.heads.remove(sender);
    else this.heads.update(sender);
  }

  private emitRemoved(entries: readonly PoolEntry[], reason: RemovalReason): void {
    for (const e of entries) this.emit('removed', e, reason);
  }
}
