// Proof of Activity as the chain's activation input (PROTOCOL.md §5): the
// snapshot's validators decide how a key block activates, and the draw from
// that same snapshot is what an endorsed epoch's M_{h,0} is checked against.
import {
  activationMode,
  activationOfMode,
  checkActivationSection,
  drawEndorsers,
} from '../consensus/activity.js';
import type { NetworkParams } from '../protocol/params.js';
import { roleWeightTotal, validators } from '../state/stake.js';
import { ROLE_VALIDATOR } from '../state/entries.js';
import type { ActivationRules } from './activation-rules.js';

export function proofOfActivity(params: NetworkParams): ActivationRules {
  return {
    activation: (block, parent, withSnapshot) =>
      activationOfMode(
        activationMode(
          {
            totalStake: withSnapshot((view) => roleWeightTotal(view, ROLE_VALIDATOR, params)),
            keyTime: block.header.time,
            parentEpochKeyTime: parent.epochKey.block.header.time,
          },
          params,
        ),
      ),
    endorsers: (block, key, snapshot) => {
      const slotOwners = drawEndorsers(key.id, validators(snapshot, params), params.poa.slots);
      const slots = checkActivationSection(
        block.activation,
        { mode: 'endorsed', seq: block.header.seq, keyBlockId: key.id, slotOwners },
        params,
      );
      return slots.map((slot) => slot.account);
    },
  };
}
