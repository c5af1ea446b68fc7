// Peers that sent what consensus calls invalid are banned for a while (the
// node sets how long): disconnected, and refused when they or we try to redial.
// Bans are kept in the node's database when it hands a store in, so a restart
// does not forgive them.
//
// A new key is free, so a ban by peer id alone stops no one for long: each ban
// also counts against the IP address the peer came from. An address with
// DISCOURAGE_AFTER_BANS peers still banned is *discouraged*, not banned (many
// honest users can share one address behind a NAT): it is the first to go when
// connections are scarce, and taken only while there is room to spare. It stops
// being discouraged as those bans lapse.
import type { Multiaddr } from '@multiformats/multiaddr';
import type { BanRecord } from '../storage/ban-table.js';

export type Ban = BanRecord;

/** Bans of distinct peers from one address, still running, that make the address discouraged. */
export const DISCOURAGE_AFTER_BANS = 3;
/** Most bans held (memory and database); past it the one that ends soonest is dropped. */
export const MAX_BANS = 10_000;

/** Inbound from a discouraged address is taken only while fewer than this share of --max-peers is in use. */
export const DISCOURAGED_INBOUND_SHARE = 0.5;

/** Whether a discouraged address may connect in while `connections` of `maxPeers` slots are in use. */
export function roomForDiscouraged(connections: number, maxPeers: number): boolean {
  return connections < maxPeers * DISCOURAGED_INBOUND_SHARE;
}

/** Where bans are kept across restarts (storage/ban-table.ts). */
export interface BanStore {
  load(now: number): BanRecord[];
  put(ban: BanRecord): void;
  remove(peer: string): void;
}

export interface Discouraged {
  readonly address: string;
  /** Peers from the address still banned. */
  readonly bans: number;
  /** When the address stops being discouraged, unless more bans come (Unix ms). */
  readonly until: number;
}

/** The IP address (v4 or v6) a multiaddr names, or null if it names none. */
export function ipOf(address: Multiaddr): string | null {
  return address.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value ?? null;
}

export class BanList {
  private readonly bans = new Map<string, Ban>();
  /** Per address, the peers banned from it (some may have lapsed since). */
  private readonly byAddress = new Map<string, Set<string>>();
  private readonly maxBans: number;

  constructor(
    private readonly opts: { readonly durationMs: number; readonly maxBans?: number },
    private readonly mods: { readonly now: () => number; readonly store?: BanStore },
  ) {
    this.maxBans = opts.maxBans ?? MAX_BANS;
    for (const ban of mods.store?.load(mods.now()) ?? []) this.hold(ban);
  }

  /** Bans `peer` for the configured duration, counting it against `address` too; returns the ban. */
  ban(peer: string, reason: string, address: string | null = null): Ban {
    const ban: Ban = { peer, address, until: this.mods.now() + this.opts.durationMs, reason };
    if (!this.bans.has(peer) && this.bans.size >= this.maxBans) this.drop(this.soonestEnding()!);
    this.hold(ban);
    this.mods.store?.put(ban);
    return ban;
  }

  isBanned(peer: string): boolean {
    const ban = this.bans.get(peer);
    if (ban === undefined) return false;
    if (ban.until > this.mods.now()) return true;
    this.drop(ban);
    return false;
  }

  /** Whether DISCOURAGE_AFTER_BANS or more peers from `address` are still banned. */
  isDiscouraged(address: string): boolean {
    return this.liveBansFrom(address).length >= DISCOURAGE_AFTER_BANS;
  }

  list(): Ban[] {
    return [...this.bans.values()].filter((ban) => this.isBanned(ban.peer));
  }

  discouraged(): Discouraged[] {
    return [...this.byAddress.keys()].flatMap((address) => {
      const ends = this.liveBansFrom(address)
        .map((ban) => ban.until)
        .sort((a, b) => b - a);
      const until = ends[DISCOURAGE_AFTER_BANS - 1];
      return until === undefined ? [] : [{ address, bans: ends.length, until }];
    });
  }

  private liveBansFrom(address: string): Ban[] {
    const peers = this.byAddress.get(address);
    if (peers === undefined) return [];
    return [...peers].filter((peer) => this.isBanned(peer)).map((peer) => this.bans.get(peer)!);
  }

  private hold(ban: Ban): void {
    const previous = this.bans.get(ban.peer);
    if (previous !== undefined) this.forgetAddress(previous);
    this.bans.set(ban.peer, ban);
    if (ban.address === null) return;
    const peers = this.byAddress.get(ban.address) ?? new Set<string>();
    peers.add(ban.peer);
    this.byAddress.set(ban.address, peers);
  }

  private drop(ban: Ban): void {
    this.bans.delete(ban.peer);
    this.forgetAddress(ban);
    this.mods.store?.remove(ban.peer);
  }

  private forgetAddress(ban: Ban): void {
    if (ban.address === null) return;
    const peers = this.byAddress.get(ban.address);
    peers?.delete(ban.peer);
    if (peers?.size === 0) this.byAddress.delete(ban.address);
  }

  private soonestEnding(): Ban | undefined {
    let soonest: Ban | undefined;
    for (const ban of this.bans.values())
      if (soonest === undefined || ban.until < soonest.until) soonest = ban;
    return soonest;
  }
}
