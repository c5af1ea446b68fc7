// Endorsements (PROTOCOL.md §5.3): a validator's signature that it saw key
// block K and owns slot `index` of K's draw. 129 bytes, fixed:
//   key_block_id [32] ‖ index u8 ‖ validator_key [32] ‖ sig [64]
// The signature is over "ALTO/<chainId>/endorse" ‖ key_block_id ‖ index
// (§2.6); the validator key is not in the signed message because the key
// itself must hash to the slot's owner (§5.3), which binds it.
import { Reader, Writer } from './codec.js';
import { RuleError } from './errors.js';
import type { NetworkParams } from './params.js';
import { domainMessage } from './signing-domain.js';

export const ENDORSEMENT_LENGTH = 129;

export interface Endorsement {
  readonly keyBlockId: Uint8Array;
  readonly index: number;
  readonly validatorKey: Uint8Array;
  readonly sig: Uint8Array;
}

export function encodeEndorsement(e: Endorsement): Uint8Array {
  return new Writer().fixed(e.keyBlockId, 32).u8(e.index).fixed(e.validatorKey, 32).fixed(e.sig, 64).finish();
}

/** Decodes exactly 129 bytes (`oversize` for more, `bad-encoding` for fewer), as decodeKeyBlock does. */
export function decodeEndorsement(bytes: Uint8Array): Endorsement {
  if (bytes.length > ENDORSEMENT_LENGTH) {
    throw new RuleError('oversize', { what: 'endorsement', length: bytes.length, max: ENDORSEMENT_LENGTH });
  }
  const r = new Reader(bytes);
  const endorsement = {
    keyBlockId: r.fixed(32, 'key_block_id'),
    index: r.u8('index'),
    validatorKey: r.fixed(32, 'validator_key'),
    sig: r.fixed(64, 'endorsement sig'),
  };
  r.end('endorsement');
  return endorsement;
}

/** The bytes after the domain: key_block_id ‖ index. */
function endorsementPayload(keyBlockId: Uint8Array, index: number): Uint8Array {
  return new Writer().fixed(keyBlockId, 32).u8(index).finish();
}

/** The signed message "ALTO/<chainId>/endorse" ‖ key_block_id ‖ index (§2.6, §5.3). */
export function endorsementSigningMessage(
  keyBlockId: Uint8Array,
  index: number,
  params: Pick<NetworkParams, 'chainId'>,
): Uint8Array {
  return domainMessage(params.chainId, 'endorse', endorsementPayload(keyBlockId, index));
}
