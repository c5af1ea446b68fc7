// Stake in the state (PROTOCOL.md §4.7, §4.8, §5.4, §9.1 0x04–0x05): weights
// against the current minimum, the validator list a Proof-of-Activity
// snapshot draws from, pool sums, unbonding releases and idle-validator
// unbonding. Every write goes through the block's overlay, so undo covers it.
import { currentMinStake, weightOfBond } from '../consensus/stake.js';
import type { StateView } from '../consensus/state-view.js';
import type { NetworkParams } from '../protocol/params.js';
import {
  PREFIX_BOND,
  PREFIX_UNBONDING,
  ROLES,
  ROLE_VALIDATOR,
  decodeBond,
  decodeBondKey,
  decodeUnbonding,
  decodeUnbondingKey,
  type StakeRole,
  unbondingRange,
} from './entries.js';
import type { OverlayState } from './view.js';
import { equalBytes, toHex } from '../util/bytes.js';

export { currentMinStake } from '../consensus/stake.js';

const BOND_START = Uint8Array.of(PREFIX_BOND);
const BOND_END = Uint8Array.of(PREFIX_BOND + 1);
const UNBONDING_START = Uint8Array.of(PREFIX_UNBONDING);
const UNBONDING_END = Uint8Array.of(PREFIX_UNBONDING + 1);

/** A state to read stake from: the rules' view plus a range scan. */
type Reads = StateView & Pick<OverlayState, 'range'>;

/** w(a, r) (§4.7): bonded[a, r] if it is ≥ the current MIN_STAKE[r], else 0. */
export function stakeWeight(
  view: Reads,
  account: Uint8Array,
  role: StakeRole,
  params: NetworkParams,
): bigint {
  const bond = view.bond(account, role);
  return bond === undefined ? 0n : weightOfBond(view, bond.bonded, role, params);
}

/** W(a) = Σ_r w(a, r) (§4.7): what governance counts. */
export function stakeWeightTotal(view: Reads, account: Uint8Array, params: NetworkParams): bigint {
  return ROLES.reduce((sum, role) => sum + stakeWeight(view, account, role, params), 0n);
}

export interface Weighted {
  readonly account: Uint8Array;
  readonly weight: bigint;
}

/** Every account with w(a, role) > 0, in ascending account order (the 0x04 key order), with its weight. */
export function roleWeights(view: Reads, role: StakeRole, params: NetworkParams): Weighted[] {
  return weightsByRole(view, params)[role];
}

/** roleWeights for every role in one scan of 0x04. */
export function weightsByRole(view: Reads, params: NetworkParams): Record<StakeRole, Weighted[]> {
  const min = {
    1: currentMinStake(view, 1, params),
    2: currentMinStake(view, 2, params),
    3: currentMinStake(view, 3, params),
  };
  const out: Record<StakeRole, Weighted[]> = { 1: [], 2: [], 3: [] };
  for (const { key, value } of view.range(BOND_START, BOND_END)) {
    const { account, role } = decodeBondKey(key);
    const { bonded } = decodeBond(role, value);
    if (bonded >= min[role]) out[role].push({ account, weight: bonded });
  }
  return out;
}

/** §5.1's snapshot input: accounts with w(a, 1) > 0 sorted by account id, with their weights. */
export function validators(view: Reads, params: NetworkParams): Weighted[] {
  return roleWeights(view, ROLE_VALIDATOR, params);
}

/** Σ w(a, role) over all accounts: a pool's divisor (§6.5), or T of §5.1 for role 1. */
export function roleWeightTotal(view: Reads, role: StakeRole, params: NetworkParams): bigint {
  return roleWeights(view, role, params).reduce((sum, w) => sum + w.weight, 0n);
}

/** Σ bonded[a, role] over all accounts, weightless bonds included (what §6.1 counts as bonded). */
export function bondedOf(view: Reads, role: StakeRole): bigint {
  let total = 0n;
  for (const { key, value } of view.range(BOND_START, BOND_END)) {
    const { role: r } = decodeBondKey(key);
    if (r === role) total += decodeBond(r, value).bonded;
  }
  return total;
}

/** Σ of every unbonding entry (0x05), all release heights. */
export function unbondingTotal(view: Pick<OverlayState, 'range'>): bigint {
  let total = 0n;
  for (const { value } of view.range(UNBONDING_START, UNBONDING_END)) total += decodeUnbonding(value);
  return total;
}

/** §3.8 step 3: unbonding entries with release_height = c go to their accounts' balances. */
export function releaseUnbonding(view: OverlayState, c: bigint): void {
  const { start, end } = unbondingRange(c);
  for (const { key, value } of view.range(start, end)) {
    const { account } = decodeUnbondingKey(key);
    const current = view.account(account) ?? { balance: 0n, nonce: 0n };
    view.setAccount(account, { balance: current.balance + decodeUnbonding(value), nonce: current.nonce });
    view.set(key, undefined);
  }
}

/** §5.4: an included endorsement sets its validator's last_endorsed to K.time (a drawn validator is bonded). */
export function recordEndorsement(view: OverlayState, validator: Uint8Array, keyTime: number): void {
  const bond = view.bond(validator, ROLE_VALIDATOR);
  if (bond !== undefined) view.setBond(validator, ROLE_VALIDATOR, { ...bond, lastEndorsed: keyTime });
}

/**
 * §5.4's fallback: every validator bond (role 1) with `last_endorsed < keyTime − FALLBACK_IDLE_TIME`
 * moves whole to unbonding, released at `height + UNBONDING_PERIOD`. Returns how many moved.
 */
export function unbondIdleValidators(
  view: OverlayState,
  keyTime: number,
  height: bigint,
  params: NetworkParams,
): number {
  const idleBefore = keyTime - params.poa.fallbackIdleS;
  const release = height + BigInt(params.unbondingPeriod);
  let moved = 0;
  for (const { key, value } of view.range(BOND_START, BOND_END)) {
    const { account, role } = decodeBondKey(key);
    if (role !== ROLE_VALIDATOR) continue;
    const bond = decodeBond(role, value);
    if (bond.lastEndorsed >= idleBefore) continue;
    view.setBond(account, role, { bonded: 0n, lastEndorsed: 0 });
    view.addUnbonding(release, account, role, bond.bonded);
    moved++;
  }
  return moved;
}

export interface UnbondingEntry {
  readonly releaseHeight: bigint;
  readonly role: StakeRole;
  readonly amount: bigint;
}

/** The unbonding entries (0x05) of one account, by release height: a scan of every entry (decision 133). */
export function unbondingOf(view: Pick<OverlayState, 'range'>, account: Uint8Array): UnbondingEntry[] {
  const out: UnbondingEntry[] = [];
  for (const { key, value } of view.range(UNBONDING_START, UNBONDING_END)) {
    const entry = decodeUnbondingKey(key);
    if (!equalBytes(entry.account, account)) continue;
    out.push({ releaseHeight: entry.releaseHeight, role: entry.role, amount: decodeUnbonding(value) });
  }
  return out;
}

/** Every account with a validator bond (role 1), weightless ones included, in account order. */
export function validatorBonds(
  view: Reads,
): { readonly account: Uint8Array; readonly bonded: bigint; readonly lastEndorsed: number }[] {
  const out: { account: Uint8Array; bonded: bigint; lastEndorsed: number }[] = [];
  for (const { key, value } of view.range(BOND_START, BOND_END)) {
    const { account, role } = decodeBondKey(key);
    if (role !== ROLE_VALIDATOR) continue;
    const bond = decodeBond(role, value);
    out.push({ account, bonded: bond.bonded, lastEndorsed: bond.lastEndorsed });
  }
  return out;
}

/** W(a) for every account with W(a) > 0 (§4.7), in ascending account order, and B = Σ W (§8.2). */
export function accountWeights(view: Reads, params: NetworkParams): { weights: Weighted[]; total: bigint } {
  return summedWeights(weightsByRole(view, params));
}

/** accountWeights from weightsByRole's result, for a caller that has it already (one scan of 0x04). */
export function summedWeights(byRole: Record<StakeRole, readonly Weighted[]>): {
  weights: Weighted[];
  total: bigint;
} {
  const summed = new Map<string, Weighted>();
  for (const role of ROLES) {
    for (const { account, weight } of byRole[role]) {
      const id = toHex(account);
      summed.set(id, { account, weight: (summed.get(id)?.weight ?? 0n) + weight });
    }
  }
  const weights = [...summed.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, weighted]) => weighted);
  return { weights, total: weights.reduce((sum, w) => sum + w.weight, 0n) };
}
