// Key-block validity (PROTOCOL.md §3.5), in its two stages. Sanity needs the
// bytes and the network only and runs cheapest first, the yespower hash last.
// Context needs what the chain knows of the parent.
import { meetsTarget, yespower } from '../crypto/pow.js';
import { RuleError } from '../protocol/errors.js';
import { encodeKeyBlockHeader, keyBlockRoot, type KeyBlock } from '../protocol/key-block.js';
import type { NetworkParams } from '../protocol/params.js';
import { equalBytes, toHex } from '../util/bytes.js';
import { checkedTarget, targetBytes } from './difficulty.js';
import { isConsensusKey } from './signature.js';

/** [REJECT] §3.5 rules 1–2: version, magic, root, leader key, bits, proof of work. */
export function checkKeyBlockSanity(block: KeyBlock, params: NetworkParams): void {
  const { header, body } = block;
  if (header.version !== 1) throw new RuleError('bad-version', { version: header.version });
  if (!equalBytes(body.magic, params.magic)) throw new RuleError('bad-magic', { magic: toHex(body.magic) });
  if (!equalBytes(header.root, keyBlockRoot(body))) throw new RuleError('bad-merkle-root', {});
  // §2.3: the leader key must be a canonical encoding of a point not of small order.
  if (!isConsensusKey(body.leaderKey)) throw new RuleError('bad-leader-key', { key: toHex(body.leaderKey) });
  const target = checkedTarget(header.bits, params);
  if (!meetsTarget(yespower(encodeKeyBlockHeader(header)), targetBytes(target))) {
    throw new RuleError('bad-pow', { bits: header.bits });
  }
}

/** What the chain knows of a key block's parent and of the time. */
export interface KeyBlockContext {
  /** Whether `prev` may be built on (§3.4's parent rule), as the chain judged it. */
  readonly parentAllowed: boolean;
  /** The key height of the parent's epoch. */
  readonly parentKeyHeight: bigint;
  /** NextBits(parent chain) (§3.6). */
  readonly expectedBits: number;
  /** Median of the last 11 key-block times of the parent chain. */
  readonly medianTimePast: number;
  /** The local clock, unix seconds. */
  readonly nowS: number;
}

/** §3.5 rules 3–5. */
export function checkKeyBlockContext(block: KeyBlock, context: KeyBlockContext, params: NetworkParams): void {
  const { header, body } = block;
  // [REJECT] The parent is a connected block of epoch h−1: a microblock, or K_{h−1} if bootstrap-activated.
  if (!context.parentAllowed) throw new RuleError('bad-prev', { prev: toHex(header.prev) });
  if (body.height !== context.parentKeyHeight + 1n) {
    throw new RuleError('bad-height', { height: body.height, expected: context.parentKeyHeight + 1n });
  }
  if (header.bits !== context.expectedBits) {
    throw new RuleError('bad-bits', { bits: header.bits, expected: context.expectedBits });
  }
  if (header.time <= context.medianTimePast) {
    throw new RuleError('time-too-old', { time: header.time, medianTimePast: context.medianTimePast });
  }
  // [IGNORE] Too far ahead is not invalid yet: the sender's clock may be fast.
  if (header.time > context.nowS + params.keyBlockFutureLimitS) {
    throw new RuleError(
      'time-too-new',
      { time: header.time, now: context.nowS },
      { gossip: 'ignore', permanent: false },
    );
  }
}

/** Element ⌊n/2⌋ of the sorted last (up to) `window` (MTP window: 11) times (§3.5 rule 5). */
export function medianTimePast(times: readonly number[], window: number): number {
  const last = times.slice(-window).sort((a, b) => a - b);
  return last[Math.floor(last.length / 2)] ?? 0;
}
