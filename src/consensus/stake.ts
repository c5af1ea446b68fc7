// The stake minimum of each role (PROTOCOL.md §4.7, §12): the one place rules,
// weights, draws and pools read it, as governance has it in force (§8.3: the
// parameter id is the role's number). `w(a, r)` compares a bond with the
// *current* minimum: a raise leaves smaller bonds weightless.
import type { NetworkParams } from '../protocol/params.js';
import { paramInForce } from './governed-params.js';
import type { StakeRole, StateView } from './state-view.js';

/** MIN_STAKE[role] as it is in force in `view`'s state: parameter ids 1–3 (§8.3). */
export function currentMinStake(view: StateView, role: StakeRole, params: NetworkParams): bigint {
  return paramInForce(view, role, params);
}

/** w(a, r) of one bond (§4.7): the bonded amount if it meets the current minimum, else 0. */
export function weightOfBond(
  view: StateView,
  bonded: bigint,
  role: StakeRole,
  params: NetworkParams,
): bigint {
  return bonded >= currentMinStake(view, role, params) ? bonded : 0n;
}

/** W(a) = Σ_r w(a, r) (§4.7) read through the rules' view: what governance counts (§4.10, §4.11, §8.2). */
export function accountWeight(view: StateView, account: Uint8Array, params: NetworkParams): bigint {
  let total = 0n;
  for (const role of [1, 2, 3] as const) {
    const bond = view.bond(account, role);
    if (bond !== undefined) total += weightOfBond(view, bond.bonded, role, params);
  }
  return total;
}
