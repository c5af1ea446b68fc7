// Key-block templates (PROTOCOL.md §11.1): everything a miner needs to search
// nonces for the next key block on the best tip. The mining service
// (mining.ts) builds them here for the built-in miner, the HTTP mining routes
// and Stratum.
import type { NextKeyBlock } from '../chain/chain.js';
import { targetBytes, targetFromBits } from '../consensus/difficulty.js';
import { encodeKeyBlockBody, keyBlockRoot, type KeyBlock, type KeyBlockBody } from '../protocol/key-block.js';
import type { NetworkParams } from '../protocol/params.js';

export interface TemplateOptions {
  readonly leaderKey: Uint8Array;
  readonly payout: Uint8Array;
  readonly extranonce?: Uint8Array;
  readonly aux?: Uint8Array;
  /** Unix seconds. */
  readonly nowS: number;
}

export interface KeyBlockTemplate {
  /** The block with nonce 0: a miner varies nonce, extranonce and time. */
  readonly block: KeyBlock;
  readonly target: bigint;
  /** LE256 target, as the nonce scan takes it. */
  readonly targetBytes: Uint8Array;
  /** Body bytes [0, 64) and [72, 104): what surrounds the extranonce (§3.2, §11.3). */
  readonly coinb1: Uint8Array;
  readonly coinb2: Uint8Array;
  /** The earliest header time the block may carry: the median time past + 1 (§3.5). */
  readonly minTime: number;
}

export function keyBlockTemplate(
  next: NextKeyBlock,
  options: TemplateOptions,
  params: NetworkParams,
): KeyBlockTemplate {
  const body: KeyBlockBody = {
    magic: params.magic,
    height: next.height,
    leaderKey: options.leaderKey,
    payout: options.payout,
    extranonce: options.extranonce ?? new Uint8Array(8),
    aux: options.aux ?? new Uint8Array(32),
  };
  const target = targetFromBits(next.bits);
  const block: KeyBlock = {
    header: {
      version: 1,
      prev: next.prev.id,
      root: keyBlockRoot(body),
      // §11.1: the time must pass the median of the last 11; a clock behind it waits for nobody.
      time: Math.max(options.nowS, next.medianTimePast + 1),
      bits: next.bits,
      nonce: 0,
    },
    body,
  };
  const encodedBody = encodeKeyBlockBody(body);
  return {
    minTime: next.medianTimePast + 1,
    block,
    target,
    targetBytes: targetBytes(target),
    coinb1: encodedBody.subarray(0, 64),
    coinb2: encodedBody.subarray(72, 104),
  };
}
