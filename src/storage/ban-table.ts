// The `bans` sub-database (layout.ts): the peers this node has banned, with
// when each ban ends, so a restart does not forgive them. Bans are rare, so
// each is its own small commit; expired records are removed when the node
// loads the table at start.
import type { Storage } from './db.js';

export interface BanRecord {
  readonly peer: string;
  /** The IP address the peer was connected from, or null if unknown. */
  readonly address: string | null;
  /** Unix milliseconds. */
  readonly until: number;
  readonly reason: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/** An address is written with a u8 length; an IPv6 text form takes at most 45 bytes. */
const MAX_ADDRESS_BYTES = 255;

export function encodeBanRecord(ban: BanRecord): { key: Uint8Array; value: Uint8Array } {
  const address = encoder.encode(ban.address ?? '');
  if (address.length > MAX_ADDRESS_BYTES) throw new RangeError(`address of ${address.length} bytes`);
  const reason = encoder.encode(ban.reason);
  const value = new Uint8Array(8 + 1 + address.length + reason.length);
  new DataView(value.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(ban.until))));
  value[8] = address.length;
  value.set(address, 9);
  value.set(reason, 9 + address.length);
  return { key: encoder.encode(ban.peer), value };
}

/** The record, or null if the bytes are not one (the caller removes it). */
export function decodeBanRecord(key: Uint8Array, value: Uint8Array): BanRecord | null {
  if (value.length < 9 || value.length < 9 + value[8]!) return null;
  try {
    const until = Number(new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0));
    const addressEnd = 9 + value[8]!;
    const address = decoder.decode(value.subarray(9, addressEnd));
    return {
      peer: decoder.decode(key),
      address: address === '' ? null : address,
      until,
      reason: decoder.decode(value.subarray(addressEnd)),
    };
  } catch {
    return null;
  }
}

export class BanTable {
  constructor(private readonly storage: Pick<Storage, 'commit' | 'read'>) {}

  /** The bans still running at `now`; expired and unreadable records are removed, in one commit. */
  load(now: number): BanRecord[] {
    const live: BanRecord[] = [];
    const stale: Uint8Array[] = [];
    for (const { key, value } of this.storage.read.bans.range()) {
      const ban = decodeBanRecord(key, value);
      if (ban !== null && ban.until > now) live.push(ban);
      else stale.push(key);
    }
    if (stale.length > 0) {
      this.storage.commit((tables) => {
        for (const key of stale) tables.bans.remove(key);
      });
    }
    return live;
  }

  put(ban: BanRecord): void {
    const { key, value } = encodeBanRecord(ban);
    this.storage.commit((tables) => {
      tables.bans.put(key, value);
    });
  }

  remove(peer: string): void {
    this.storage.commit((tables) => {
      tables.bans.remove(encoder.encode(peer));
    });
  }
}
