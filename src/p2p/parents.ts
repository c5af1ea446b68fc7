// Unknown parent (PROTOCOL.md §10.2: IGNORE, "queue, fetch by id"): a gossiped
// block whose parent we lack waits in the chain's orphan pool while its missing
// ancestors are asked, one id per blocks-by-id request (§10.3), of the peer
// that sent it. Each block that comes back goes through the same addBlock; if
// it is an orphan too, its parent is asked next, at most FETCH_DEPTH blocks in
// all. Once one connects, the chain adopts the orphans waiting on it. Past the
// depth, over the budget, or when the peer cannot answer, the status handshake
// takes over and range sync fetches the rest from the peer, if it has more work.
import type { PeerId } from '@libp2p/interface';
import type { AddOptions, AddResult, AnyBlock, Chain } from '../chain/chain.js';
import { RuleError } from '../protocol/errors.js';
import { blockId } from '../chain/block-store.js';
import type { Logger } from '../util/logger.js';
import { RateLimit, type RateLimitOptions } from './rate.js';
import { RATE_LIMIT, type ReqResp } from './reqresp.js';
import { blockOfMessage, type BlockMessage } from './wire.js';
import { toHex } from '../util/bytes.js';

/** Ancestors fetched by id for one orphan before range sync takes over. */
export const FETCH_DEPTH = 16;
/** blocks-by-id requests per peer per window: below what a peer serves us (RATE_LIMIT, 50). */
export const FETCH_BUDGET: RateLimitOptions = { requests: 32, windowMs: RATE_LIMIT.windowMs };

export interface ParentFetchModules {
  readonly chain: Pick<Chain, 'get'>;
  readonly addBlock: (block: AnyBlock, options?: AddOptions) => AddResult;
  readonly reqresp: Pick<ReqResp, 'blocksById'>;
  readonly peerId: (peer: string) => PeerId;
  readonly logger: Logger;
  readonly now: () => number;
  /** The peer answered with what consensus or §10.3 calls invalid. */
  readonly onInvalid: (peer: string, code: string) => void;
  /** Fetching by id ended short of a connected block: ask the peer's status, so range sync can take over. */
  readonly fallback: (peer: string) => void;
}

/** What one request came to: the next id to ask, or how the walk ends. */
type Step = { readonly next: Uint8Array } | 'connected' | 'unanswered' | 'invalid';

export class ParentFetcher {
  /** Ids asked right now, by any walk: an orphan whose parent is among them waits for that walk. */
  private readonly asking = new Set<string>();
  private readonly budget: RateLimit;
  private readonly walks = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly mods: ParentFetchModules) {
    this.budget = new RateLimit(FETCH_BUDGET, { now: mods.now });
  }

  /** `block` came from `peer` by gossip and the chain holds it as an orphan: fetch what it lacks. */
  onOrphan(peer: string, block: AnyBlock): void {
    if (this.stopped) return;
    const missing = block.block.header.prev;
    if (this.asking.has(toHex(missing))) return;
    const walk = this.walk(peer, missing)
      .catch((error: unknown) => {
        this.mods.logger.error(
          { err: error, peer },
          'fetching an unknown parent failed: our bug; sync fetches the branch instead; report it with this log',
        );
      })
      .finally(() => this.walks.delete(walk));
    this.walks.add(walk);
  }

  removePeer(peer: string): void {
    this.budget.forget(peer);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves once every walk started so far has ended; for tests and a clean stop. */
  async idle(): Promise<void> {
    while (this.walks.size > 0) await Promise.allSettled([...this.walks]);
  }

  private async walk(peer: string, first: Uint8Array): Promise<void> {
    let missing = first;
    for (let depth = 0; depth < FETCH_DEPTH; depth++) {
      if (this.stopped || this.mods.chain.get(missing) !== undefined) return;
      const key = toHex(missing);
      if (this.asking.has(key)) return; // another walk asks it and will connect what hangs on it
      if (!this.budget.take(peer)) {
        this.mods.logger.debug({ peer }, 'blocks-by-id budget spent: leaving the rest to sync');
        break;
      }
      this.asking.add(key);
      let step: Step;
      try {
        step = await this.fetch(peer, missing);
      } finally {
        this.asking.delete(key);
      }
      if (step === 'connected' || step === 'invalid') return;
      if (step === 'unanswered') break;
      missing = step.next;
    }
    if (!this.stopped) this.mods.fallback(peer);
  }

  /** Asks `peer` for block `id` and adds it. */
  private async fetch(peer: string, id: Uint8Array): Promise<Step> {
    let messages: BlockMessage[];
    try {
      messages = await this.mods.reqresp.blocksById(this.mods.peerId(peer), [id]);
    } catch (error) {
      if (error instanceof RuleError) return this.invalid(peer, error.code);
      // A timeout, a refused or reset stream, a peer that does not speak blocks-by-id: no fault.
      this.mods.logger.debug({ err: error, peer, id: toHex(id) }, 'blocks-by-id request failed');
      return 'unanswered';
    }
    const message = messages[0];
    // [§10.3] 0xff: the peer does not have it, which is no fault (it may have pruned a side branch).
    if (message === undefined || message.kind === 'unknown') return 'unanswered';
    let block: AnyBlock;
    try {
      block = blockOfMessage(message);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return this.invalid(peer, error.code);
    }
    // [§10.3] The answer is the block asked for: anything else breaks the protocol like bad bytes do.
    const got = blockId(block);
    if (toHex(got) !== toHex(id)) {
      this.mods.logger.debug(
        { peer, asked: toHex(id), got: toHex(got) },
        'blocks-by-id answered another block',
      );
      return this.invalid(peer, 'bad-encoding');
    }
    try {
      // Asked for, but chosen by the peer (it sent the orphan): side-branch budgets apply.
      const result = this.mods.addBlock(block, { unsolicited: true });
      if (result === 'orphan') return { next: block.block.header.prev };
      // Past the side-branch budgets with nothing heavier waiting on it: the walk ends here.
      return result === 'unkept' ? 'unanswered' : 'connected';
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      if (error.gossip === 'reject') return this.invalid(peer, error.code);
      // [IGNORE] A state-dependent failure (e.g. reorg-too-deep, time-too-new) is no fault of the peer.
      this.mods.logger.debug({ peer, id: toHex(id), code: error.code }, 'a fetched parent was not taken');
      return 'unanswered';
    }
  }

  private invalid(peer: string, code: string): 'invalid' {
    this.mods.onInvalid(peer, code);
    return 'invalid';
  }
}
