// Ids of transactions whose signature this node has verified (Bitcoin Core's
// signature cache): a txid hashes every byte, signature included (§2.2), so
// the same id is the same verified bytes, and a block carrying transactions the
// mempool verified on their way in need not verify them again. Bounded: past
// its capacity the entry added longest ago goes first.
import { toHex } from '../util/bytes.js';

/** About the transactions of a full mempool (64 MiB of small transfers), at ~100 bytes an entry. */
export const SIGNATURE_CACHE_CAPACITY = 1 << 18;

export class SignatureCache {
  private readonly ids = new Set<string>();

  constructor(readonly capacity = SIGNATURE_CACHE_CAPACITY) {}

  get size(): number {
    return this.ids.size;
  }

  add(txid: Uint8Array): void {
    const key = toHex(txid);
    this.ids.delete(key); // re-added: now the newest
    this.ids.add(key);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  has(txid: Uint8Array): boolean {
    return this.ids.has(toHex(txid));
  }
}
