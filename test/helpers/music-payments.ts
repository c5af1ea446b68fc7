// What a Donate or Subscribe must do to balances (PROTOCOL.md §4.5, §4.6),
// computed here on its own, and the balances to compare it with: shared by
// the no-platform-cut properties.
import type { Song } from '../../src/consensus/state-view.js';
import { RESERVE_ACCOUNT } from '../../src/protocol/address.js';
import { toHex } from '../../src/util/bytes.js';
import type { ChainHarness } from './chain-harness.js';

/** Every 0x01 balance on the tip, by hex account id. */
export function balances(h: ChainHarness): Map<string, bigint> {
  const view = h.chain.state();
  const out = new Map<string, bigint>();
  for (const { key } of view.range(Uint8Array.of(0x01), Uint8Array.of(0x02))) {
    out.set(toHex(key.subarray(1)), view.account(key.subarray(1))!.balance);
  }
  return out;
}

/**
 * What §4.5 says each account gains from `amount` paid to `musician`, or to `song` when musician is
 * undefined: floor(amount/10) to the reserve, the rest to the musician or floor(a·bp/10000) per holder
 * with the remainder to the owner.
 */
export function expectedGains(
  amount: bigint,
  musician: Uint8Array | undefined,
  song: Song | undefined,
): Map<string, bigint> {
  const gains = new Map<string, bigint>();
  const add = (account: Uint8Array, value: bigint): void => {
    if (value !== 0n) gains.set(toHex(account), (gains.get(toHex(account)) ?? 0n) + value);
  };
  const reserve = amount / 10n;
  const side = amount - reserve;
  add(RESERVE_ACCOUNT, reserve);
  if (musician !== undefined) add(musician, side);
  else {
    let paid = 0n;
    for (const s of song!.splits) {
      const share = (side * BigInt(s.bp)) / 10_000n;
      paid += share;
      add(s.account, share);
    }
    add(song!.owner, side - paid);
  }
  return gains;
}

/**
 * The first account whose balance moved from `before` to `after` other than `expected` says (gains;
 * the payer's entry carries its loss), as a message; undefined when every change is the expected one.
 */
export function unexpectedChange(
  before: ReadonlyMap<string, bigint>,
  after: ReadonlyMap<string, bigint>,
  expected: ReadonlyMap<string, bigint>,
): string | undefined {
  for (const account of new Set([...before.keys(), ...after.keys(), ...expected.keys()])) {
    const change = (after.get(account) ?? 0n) - (before.get(account) ?? 0n);
    const want = expected.get(account) ?? 0n;
    if (change !== want) return `${account} changed by ${change}, not ${want}`;
  }
  return undefined;
}
