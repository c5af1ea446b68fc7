// Validator mode (PROTOCOL.md §5.3, policy): when a candidate key block
// arrives whose prev is on our best chain, endorse at once each slot the draw
// gives our key, once per (key block, slot), and hand the endorsement to the
// node (its pool, and peers). It also keeps the numbers the status shows:
// slots won, endorsements signed, and endorsements included in an M_{h,0}.
import type { Chain } from '../chain/chain.js';
import type { KeyEntry } from '../chain/index-entry.js';
import type { AnyBlock } from '../chain/block-store.js';
import { getPublicKey, sign } from '../crypto/ed25519.js';
import { accountId } from '../protocol/address.js';
import { endorsementSigningMessage, type Endorsement } from '../protocol/endorsement.js';
import type { NetworkParams } from '../protocol/params.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type { Logger } from '../util/logger.js';
import type { Entry } from '../chain/index-entry.js';

/** (key block, slot) pairs remembered as endorsed: the candidates a chain keeps, times N. */
const MAX_REMEMBERED = 64 * 8;

export interface ValidatorModules {
  readonly chain: Pick<Chain, 'endorsementTarget' | 'on' | 'off'>;
  readonly params: NetworkParams;
  readonly logger: Logger;
  /** Our endorsement, to the node's pool and to peers. */
  readonly publish: (endorsement: Endorsement) => void;
}

export interface ValidatorStats {
  readonly account: string;
  /** Slots the draws of candidates we saw gave us. */
  readonly slotsWon: number;
  readonly endorsementsSigned: number;
  /** Our endorsements in activation sections the chain connected. */
  readonly endorsementsIncluded: number;
}

export class Validator {
  readonly publicKey: Uint8Array;
  readonly account: Uint8Array;
  private readonly endorsed = new Set<string>();
  private slotsWon = 0;
  private signed = 0;
  private included = 0;
  private readonly onCandidate = (key: KeyEntry): void => {
    this.endorse(key);
  };
  private readonly onConnected = (entry: Entry, body: AnyBlock): void => {
    if (body.kind !== 'micro' || entry.kind !== 'micro' || entry.seq !== 0) return;
    this.included += body.block.activation.filter((e) => equalBytes(e.validatorKey, this.publicKey)).length;
  };

  constructor(
    private readonly seed: Uint8Array,
    private readonly mods: ValidatorModules,
  ) {
    this.publicKey = getPublicKey(seed);
    this.account = accountId(this.publicKey);
    mods.chain.on('candidate', this.onCandidate);
    mods.chain.on('connected', this.onConnected);
  }

  stats(): ValidatorStats {
    return {
      account: toHex(this.account),
      slotsWon: this.slotsWon,
      endorsementsSigned: this.signed,
      endorsementsIncluded: this.included,
    };
  }

  stop(): void {
    this.mods.chain.off('candidate', this.onCandidate);
    this.mods.chain.off('connected', this.onConnected);
  }

  /** Endorses every slot of `key` the draw gives us, if its prev is on our best chain. */
  endorse(key: KeyEntry): void {
    const target = this.mods.chain.endorsementTarget(key.id);
    if (target === undefined || !target.prevOnBestChain) return;
    target.slotOwners.forEach((owner, index) => {
      if (!equalBytes(owner, this.account)) return;
      const pair = `${key.hex}:${index}`;
      if (this.endorsed.has(pair)) return;
      this.remember(pair);
      this.slotsWon++;
      const endorsement: Endorsement = {
        keyBlockId: key.id,
        index,
        validatorKey: this.publicKey,
        sig: sign(endorsementSigningMessage(key.id, index, this.mods.params), this.seed),
      };
      this.signed++;
      this.mods.logger.info(
        { keyBlock: key.hex, height: Number(key.keyHeight), slot: index },
        'endorsed a key block',
      );
      this.mods.publish(endorsement);
    });
  }

  private remember(pair: string): void {
    this.endorsed.add(pair);
    if (this.endorsed.size > MAX_REMEMBERED) this.endorsed.delete(this.endorsed.values().next().value!);
  }
}
