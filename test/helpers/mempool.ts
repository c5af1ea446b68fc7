// A mempool over an in-memory chain: accounts in a Map, a settable key
// height and a fake clock, plus signed transfers from numbered wallets.
import type { Account, StateView } from '../../src/consensus/state-view.js';
import { txDebit } from '../../src/consensus/tx-rules.js';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import {
  Mempool,
  type MempoolChain,
  type MempoolEntry,
  type MempoolOptions,
  type RemovalReason,
  type TxOrigin,
} from '../../src/mempool/mempool.js';
import { accountId } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, type Tx } from '../../src/protocol/tx.js';
import { txSize } from '../../src/client/sign.js';
import { EMPTY_COUNTERS } from '../../src/state/entries.js';
import { signedTx } from './txs.js';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Plenty for any fee the tests pay. */
export const RICH = 10n ** 30n;
/** Tests set a small min relay fee rate so fees read as small numbers. */
export const RELAY = 10n;

export interface Wallet {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly account: Uint8Array;
}

export function wallet(n: number): Wallet {
  const seed = new Uint8Array(32).fill(0x5e);
  new DataView(seed.buffer).setUint32(0, n);
  const publicKey = getPublicKey(seed);
  return { seed, publicKey, account: accountId(publicKey) };
}

/** Where test transfers go; it need not exist. */
export const SINK = new Uint8Array(20).fill(0x51);

export class FakeChain implements MempoolChain {
  tip = { keyHeight: 1n };
  private readonly accounts = new Map<string, Account>();
  /** The transaction index: the ids of the connected transactions. */
  private readonly confirmed = new Map<string, Tx>();

  state(): StateView {
    return {
      account: (id) => this.accounts.get(hex(id)),
      counters: () => EMPTY_COUNTERS,
      epoch: () => undefined,
      proposal: () => undefined,
      param: () => undefined,
      bond: () => undefined,
      identity: () => undefined,
      song: () => undefined,
      app: () => undefined,
      serialStart: () => undefined,
    };
  }

  set(account: Uint8Array, balance: bigint, nonce = 0n): void {
    this.accounts.set(hex(account), { balance, nonce });
  }

  account(account: Uint8Array): Account | undefined {
    return this.accounts.get(hex(account));
  }

  txLocation(id: Uint8Array): { readonly tx: Tx } | undefined {
    const tx = this.confirmed.get(hex(id));
    return tx === undefined ? undefined : { tx };
  }

  /** Runs transfers as a block would: the sender pays fee and amount and moves its nonce on; `to` is credited. */
  connect(txs: readonly Tx[]): void {
    for (const tx of txs) {
      const from = accountId(tx.sender);
      const a = this.account(from);
      if (a === undefined || a.nonce !== tx.nonce) throw new Error('the fake chain got a tx it cannot apply');
      this.set(from, a.balance - tx.fee - txDebit(tx, REGTEST), a.nonce + 1n);
      this.confirmed.set(hex(txId(tx)), tx);
      if (tx.payload.type === 1) {
        const to = this.account(tx.payload.to);
        this.set(tx.payload.to, (to?.balance ?? 0n) + tx.payload.amount, to?.nonce ?? 0n);
      }
    }
  }

  /** Undoes `connect(txs)`. */
  disconnect(txs: readonly Tx[]): void {
    for (const tx of [...txs].reverse()) {
      const from = accountId(tx.sender);
      const a = this.account(from);
      if (a === undefined) throw new Error('the fake chain cannot undo a tx of an unknown sender');
      this.set(from, a.balance + tx.fee + txDebit(tx, REGTEST), a.nonce - 1n);
      this.confirmed.delete(hex(txId(tx)));
      if (tx.payload.type === 1) {
        const to = this.account(tx.payload.to);
        if (to !== undefined) this.set(tx.payload.to, to.balance - tx.payload.amount, to.nonce);
      }
    }
  }
}

export interface Removal {
  readonly entry: MempoolEntry;
  readonly reason: RemovalReason;
}

export interface PoolHarness {
  readonly pool: Mempool;
  readonly chain: FakeChain;
  readonly clock: { now: number };
  /** Every 'removed' event, in order. */
  readonly removed: Removal[];
  readonly accepted: MempoolEntry[];
  /** The origin each 'accepted' event carried, in the order of `accepted`. */
  readonly origins: TxOrigin[];
}

export function poolHarness(opts: Partial<MempoolOptions> = {}): PoolHarness {
  const chain = new FakeChain();
  const clock = { now: 1_800_000_000_000 };
  const pool = new Mempool(
    { minRelayFeeRate: RELAY, ...opts },
    { chain, params: REGTEST, now: () => clock.now },
  );
  const removed: Removal[] = [];
  const accepted: MempoolEntry[] = [];
  const origins: TxOrigin[] = [];
  pool.on('removed', (entry, reason) => removed.push({ entry, reason }));
  pool.on('accepted', (entry, origin) => {
    accepted.push(entry);
    origins.push(origin);
  });
  return { pool, chain, clock, removed, accepted, origins };
}

export interface PaySpec {
  readonly nonce?: bigint;
  /** Base units per byte; the fee is rate × size. Ignored when `fee` is given. */
  readonly rate?: bigint;
  readonly fee?: bigint;
  readonly amount?: bigint;
  readonly to?: Uint8Array;
  /** 0–256 bytes: changes the size. */
  readonly memoLength?: number;
  readonly validUntil?: bigint;
}

/** The encoded size of a transfer with a memo of `memoLength` bytes. */
export function transferSize(memoLength = 0): number {
  return txSize({ type: 1, to: SINK, amount: 1n, memo: new Uint8Array(memoLength) });
}

/** A signed transfer from `from`; by default nonce 0, 1 unit, paying RELAY × 2 per byte. */
export function pay(from: Wallet, spec: PaySpec = {}): Tx {
  const memoLength = spec.memoLength ?? 0;
  const fee = spec.fee ?? (spec.rate ?? RELAY * 2n) * BigInt(transferSize(memoLength));
  return signedTx({
    seed: from.seed,
    nonce: spec.nonce ?? 0n,
    fee,
    validUntil: spec.validUntil ?? 0n,
    payload: {
      type: 1,
      to: spec.to ?? SINK,
      amount: spec.amount ?? 1n,
      memo: new Uint8Array(memoLength).fill(0x6d),
    },
  });
}

/** The code of the RuleError `fn` throws, or 'no error'. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
    throw err;
  }
  return 'no error';
}
