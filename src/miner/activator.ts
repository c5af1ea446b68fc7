// Activating our own key blocks (PROTOCOL.md §5.4, policy): when a key block
// naming our leader key waits as a candidate, gather the endorsements the
// network sends for it and have the leader publish M_{h,0} — at once when all
// N slots are held, or once `waitMs` (5 s) has passed with at least M. With
// fewer it keeps waiting; the chain stays live meanwhile, as miners extend the
// last connected block.
import type { Chain } from '../chain/chain.js';
import type { KeyEntry } from '../chain/index-entry.js';
import type { NetworkParams } from '../protocol/params.js';
import { equalBytes, toHex } from '../util/bytes.js';
import type { Logger } from '../util/logger.js';
import type { EndorsementPool } from './endorsements.js';
import type { Leader } from './leader.js';

export const ACTIVATION_WAIT_MS = 5_000;

export interface ActivatorModules {
  readonly leader: Pick<Leader, 'activate' | 'leaderKey'>;
  readonly endorsements: Pick<EndorsementPool, 'section' | 'drop'>;
  /** Whether a candidate still waits (undefined once activated, superseded or forgotten). */
  readonly chain: Pick<Chain, 'endorsementTarget'>;
  readonly params: NetworkParams;
  readonly logger: Logger;
}

interface Waiting {
  readonly key: KeyEntry;
  readonly timer: NodeJS.Timeout;
  /** Set when the wait is over: from then on M endorsements are enough. */
  waited: boolean;
}

export class Activator {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly opts: { readonly waitMs?: number },
    private readonly mods: ActivatorModules,
  ) {}

  /** A candidate key block was stored: if it is ours, wait for its endorsements. */
  onCandidate(key: KeyEntry): void {
    if (!equalBytes(key.block.body.leaderKey, this.mods.leader.leaderKey) || this.waiting.has(key.hex))
      return;
    const waiting: Waiting = {
      key,
      waited: false,
      timer: setTimeout(() => {
        waiting.waited = true;
        this.tryActivate(key.hex);
        if (this.waiting.has(key.hex)) this.reportShort(key);
      }, this.opts.waitMs ?? ACTIVATION_WAIT_MS),
    };
    this.waiting.set(key.hex, waiting);
    this.mods.logger.info(
      { keyBlock: key.hex, height: Number(key.keyHeight) },
      'our key block waits for endorsements',
    );
    this.tryActivate(key.hex);
  }

  /** An endorsement of `keyBlockId` reached the pool. */
  onEndorsement(keyBlockId: Uint8Array): void {
    this.tryActivate(toHex(keyBlockId));
  }

  /** Whether a key block of ours that builds on `parentId` still waits for its endorsements. */
  waitsOn(parentId: Uint8Array): boolean {
    for (const { key } of this.waiting.values()) {
      if (
        equalBytes(key.block.header.prev, parentId) &&
        this.mods.chain.endorsementTarget(key.id) !== undefined
      )
        return true;
    }
    return false;
  }

  stop(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  private tryActivate(hex: string): void {
    const waiting = this.waiting.get(hex);
    if (waiting === undefined) return;
    const { key } = waiting;
    if (this.mods.chain.endorsementTarget(key.id) === undefined) {
      // Activated meanwhile, or no longer a candidate: nothing left to do for it.
      this.forget(waiting);
      return;
    }
    const section = this.mods.endorsements.section(key.id);
    const { slots, required } = this.mods.params.poa;
    if (section.length < slots && !(waiting.waited && section.length >= required)) return;
    if (this.mods.leader.activate(key, section)) this.forget(waiting);
  }

  /** The wait is over and too few endorsements came: the operator should know why the chain stalls. */
  private reportShort(key: KeyEntry): void {
    const { slots, required } = this.mods.params.poa;
    this.mods.logger.warn(
      {
        keyBlock: key.hex,
        height: Number(key.keyHeight),
        endorsements: this.mods.endorsements.section(key.id).length,
        slots,
        required,
      },
      'our key block still waits: too few validators have endorsed it; it activates once enough do',
    );
  }

  private forget(waiting: Waiting): void {
    clearTimeout(waiting.timer);
    this.waiting.delete(waiting.key.hex);
    this.mods.endorsements.drop(waiting.key.id);
  }
}
