// PROTOCOL.md §6.1's invariant, checked on a state: Σ balances + bonded +
// unbonding + escrowed deposits + pending transfers + fee accumulator =
// minted − burned, and minted ≤ CAP. Escrow is the deposits of open
// proposals (status 0, decision 159): a tally refunds or forfeits it. Sums are taken over the raw
// entries, not through the queries the node serves, so the check is its own.
import type { Test } from 'tap';
import type { NetworkParams } from '../../src/protocol/params.js';
import { REGTEST } from '../../src/protocol/params.js';
import type { OverlayState } from '../../src/state/view.js';
import { ChainHarness } from './chain-harness.js';

function sumRange(view: OverlayState, prefix: number, read: (value: Uint8Array) => bigint): bigint {
  return view
    .range(Uint8Array.of(prefix), Uint8Array.of(prefix + 1))
    .reduce((sum, { value }) => sum + read(value), 0n);
}

/** u128 little-endian at `offset`. */
const u128At = (value: Uint8Array, offset = 0): bigint =>
  Buffer.from(value.subarray(offset, offset + 16)).reduce((n, b, i) => n + (BigInt(b) << BigInt(8 * i)), 0n);

export interface SupplyParts {
  readonly balances: bigint;
  readonly bonded: bigint;
  readonly unbonding: bigint;
  readonly escrow: bigint;
  readonly pendingTransfers: bigint;
  readonly fees: bigint;
  readonly minted: bigint;
  readonly burned: bigint;
}

export function supplyParts(view: OverlayState): SupplyParts {
  const counters = view.counters();
  return {
    balances: sumRange(view, 0x01, (v) => u128At(v)),
    bonded: sumRange(view, 0x04, (v) => u128At(v)),
    unbonding: sumRange(view, 0x05, (v) => u128At(v)),
    // 0x0D value ends deposit u128 ‖ end u64 ‖ status u8 ‖ yes, no, abstain u128.
    escrow: sumRange(view, 0x0d, (v) => (v[v.length - 49] === 0 ? u128At(v, v.length - 73) : 0n)),
    // 0x0F value: amount u128 ‖ mint u8; transfers carry mint = 0.
    pendingTransfers: sumRange(view, 0x0f, (v) => (v[16] === 0 ? u128At(v) : 0n)),
    fees: counters.fees,
    minted: counters.minted,
    burned: counters.burned,
  };
}

export function assertSupplyInvariant(t: Test, view: OverlayState, at: string, params = REGTEST): void {
  const p = supplyParts(view);
  const held = p.balances + p.bonded + p.unbonding + p.escrow + p.pendingTransfers + p.fees;
  if (held !== p.minted - p.burned) {
    t.fail(`§6.1 after ${at}: held ${held} ≠ minted − burned ${p.minted - p.burned}`, { parts: p });
  }
  if (p.minted > params.cap) t.fail(`§6.1 after ${at}: minted ${p.minted} > CAP`);
}

/** Asserts §6.1 on the harness's tip state after every block it adds; counts the checks in `checked`. */
export function checkSupplyEachBlock(
  t: Test,
  h: ChainHarness,
  params: NetworkParams = REGTEST,
): { checked: number } {
  const counter = { checked: 0 };
  h.onEachBlock((name) => {
    assertSupplyInvariant(t, h.chain.state(), name, params);
    counter.checked++;
  });
  return counter;
}

/** A harness chain on `params` that asserts §6.1 after every block, and fails a test that checked none. */
export function supplyCheckedHarness(t: Test, params: NetworkParams = REGTEST): ChainHarness {
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    params,
  );
  const supply = checkSupplyEachBlock(t, h, params);
  t.teardown(() => {
    if (supply.checked === 0) t.fail('no block was checked against §6.1');
  });
  return h;
}
