// The stake minimum of each role (PROTOCOL.md §4.7, §12): the one place rules,
// weights, draws and pools read it, so governance (§8.3, 0x13) can later
// override it here without touching its readers. `w(a, r)` compares a bond
// with the *current* minimum: a raise leaves smaller bonds weightless.
import type { NetworkParams } from '../protocol/params.js';
import type { StakeRole, StateView } from './state-view.js';

/** MIN_STAKE[role] as it is in force in `view`'s state. */
export function currentMinStake(_view: StateView, role: StakeRole, params: NetworkParams): bigint {
  // The view is the seam for governance: parameter ids 1–3 (§8.3) will be read from 0x13 through it.
  return role === 1
    ? params.minStake.validator
    : role === 2
      ? params.minStake.app
      : params.minStake.infrastructure;
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
