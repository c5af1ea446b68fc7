// Connection slots (issue 13): who may hold one of our `--max-peers` connections.
// One connection per peer id; at most `--max-peers-per-ip` inbound peers per IP
// address, allow-listed addresses excepted; inbound peers never take the slots
// kept for our own dials; and when the inbound slots are full, a newcomer takes
// the slot of the inbound peer we would miss least, chosen as Bitcoin Core's
// SelectNodeToEvict does (net.cpp): protect the best-scored, the last to give
// us blocks and transactions, the longest-connected half, then evict the
// youngest from the address holding the most. Pure: the caller reads the
// connections and carries out what these functions decide (p2p/network.ts).
import { BlockList, isIP } from 'node:net';

/** Inbound peers one IP address may hold unless allow-listed (`--max-peers-per-ip`). */
export const DEFAULT_MAX_PEERS_PER_IP = 4;
/** Slots inbound peers may not take, kept for our own dials (at most a quarter of `--max-peers`). */
export const OUTBOUND_SLOTS = 8;
/** Eviction spares this many of the highest gossipsub scores (above 0). */
export const PROTECT_BEST_SCORED = 4;
/** Eviction spares this many of the peers that most recently gave us a new block first. */
export const PROTECT_RECENT_BLOCKS = 4;
/** Eviction spares this many of the peers that most recently gave us a new transaction first. */
export const PROTECT_RECENT_TXS = 4;

export type Direction = 'inbound' | 'outbound';

export interface SlotOptions {
  readonly maxPeers: number;
  /** 0: no limit. */
  readonly maxPeersPerIp: number;
  /** Allow-listed addresses: no per-IP limit, never evicted. */
  readonly exempt: (ip: string) => boolean;
  /** Addresses discouraged by bans (bans.ts): of the unprotected, evicted first. */
  readonly discouraged?: (ip: string) => boolean;
}

export interface SlotConnection {
  /** The connection's own id: a peer may briefly hold two. */
  readonly id: string;
  readonly peer: string;
  readonly ip: string;
  readonly direction: Direction;
  readonly openedMs: number;
}

/** What eviction knows of a peer besides its connection. */
export interface Standing {
  readonly score: number;
  readonly lastBlockMs: number | null;
  readonly lastTxMs: number | null;
}

export type SlotReason = 'duplicate-connection' | 'too-many-from-ip' | 'evicted' | 'inbound-full';

/** Close one connection of a peer that keeps another, or hang up on a peer. */
export type SlotAction =
  | {
      readonly kind: 'close';
      readonly connection: string;
      readonly peer: string;
      readonly reason: SlotReason;
    }
  | {
      readonly kind: 'disconnect';
      readonly peer: string;
      readonly reason: SlotReason;
      readonly detail: string;
    };

export interface Refusal {
  readonly reason: SlotReason;
  readonly detail: string;
}

/** Slots kept for outbound connections: inbound peers fill at most the rest. */
export function outboundReserve(maxPeers: number): number {
  return Math.min(OUTBOUND_SLOTS, Math.floor(maxPeers / 4));
}

export function inboundLimit(maxPeers: number): number {
  return maxPeers - outboundReserve(maxPeers);
}

/**
 * Parses an `--allow-ip` value: an IPv4 or IPv6 address, or a CIDR range of
 * them. Returns null for anything else.
 */
export function parseAllowEntry(raw: string): { address: string; prefix: number | null } | null {
  const [address = '', prefixText, extra] = raw.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return null;
  if (prefixText === undefined) return { address, prefix: null };
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return { address, prefix: Number(prefixText) };
}

/** Whether an IP address is on the operator's allow-list (entries already parsed by the CLI). */
export function allowList(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = parseAllowEntry(raw);
    if (entry === null) throw new Error(`not an IP address or CIDR range: ${raw}`);
    const type = isIP(entry.address) === 4 ? 'ipv4' : 'ipv6';
    if (entry.prefix === null) list.addAddress(entry.address, type);
    else list.addSubnet(entry.address, entry.prefix, type);
  }
  return (ip) => {
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * Checked when an inbound connection has told us who it is, before it gets a
 * muxer: a peer we already hold a connection to is refused (one connection per
 * id), and so is one more peer from an IP address at its limit.
 */
export function refuseInbound(
  connections: readonly SlotConnection[],
  peer: string,
  ip: string,
  opts: SlotOptions,
): Refusal | null {
  if (connections.some((c) => c.peer === peer)) {
    return { reason: 'duplicate-connection', detail: 'already connected' };
  }
  if (opts.maxPeersPerIp > 0 && !opts.exempt(ip)) {
    const fromIp = inboundPeersFrom(connections, ip);
    if (fromIp >= opts.maxPeersPerIp) {
      return { reason: 'too-many-from-ip', detail: `${fromIp} of ${opts.maxPeersPerIp} from ${ip}` };
    }
  }
  return null;
}

/**
 * What to close now that `opened` is open (`connections` includes it): a second
 * connection of the same peer, a peer over its address's limit (two that passed
 * the check above at once), and, over the slot limits, an inbound peer chosen by
 * `selectEviction` or else the newcomer.
 */
export function afterOpen(
  connections: readonly SlotConnection[],
  opened: SlotConnection,
  self: string,
  standing: (peer: string) => Standing,
  opts: SlotOptions,
): SlotAction[] {
  const same = connections.filter((c) => c.peer === opened.peer);
  if (same.length > 1) {
    const keep = preferredConnection(same, self);
    return same
      .filter((c) => c.id !== keep.id)
      .map((c) => ({ kind: 'close', connection: c.id, peer: c.peer, reason: 'duplicate-connection' }));
  }
  const peers = onePerPeer(connections);
  if (opened.direction === 'inbound') {
    if (opts.maxPeersPerIp > 0 && !opts.exempt(opened.ip)) {
      const fromIp = inboundPeersFrom(peers, opened.ip);
      if (fromIp > opts.maxPeersPerIp) {
        const detail = `${fromIp} of ${opts.maxPeersPerIp} from ${opened.ip}`;
        return [{ kind: 'disconnect', peer: opened.peer, reason: 'too-many-from-ip', detail }];
      }
    }
    const inbound = peers.filter((c) => c.direction === 'inbound').length;
    const limit = inboundLimit(opts.maxPeers);
    if (inbound <= limit && peers.length <= opts.maxPeers) return [];
    const victim = selectEviction(peers, opened.peer, standing, opts);
    const detail = `inbound slots full (${inbound - 1} of ${limit})`;
    if (victim === null) return [{ kind: 'disconnect', peer: opened.peer, reason: 'inbound-full', detail }];
    return [
      { kind: 'disconnect', peer: victim, reason: 'evicted', detail: `${detail}: room for ${opened.peer}` },
    ];
  }
  // Our own dial takes a reserved slot; past --max-peers it takes an inbound peer's.
  if (peers.length <= opts.maxPeers) return [];
  const victim = selectEviction(peers, opened.peer, standing, opts);
  if (victim === null) return [];
  const detail = `${peers.length - 1} of ${opts.maxPeers} slots taken: room for outbound ${opened.peer}`;
  return [{ kind: 'disconnect', peer: victim, reason: 'evicted', detail }];
}

/**
 * The inbound peer to evict for `newcomer`, or null if every candidate is
 * protected. Bitcoin Core's order (SelectNodeToEvict), with the gossipsub
 * score in place of ping time: the allow-listed are never candidates; spare
 * the best-scored, the last to relay a new block, the last to relay a new
 * transaction, then the longest-connected half of those left (age does not
 * shield a negative score). Of the rest, a peer from a discouraged address
 * goes first (Core's m_prefer_evict), then one with a negative score (the
 * lowest); otherwise the youngest peer of the address that holds the most.
 */
export function selectEviction(
  connections: readonly SlotConnection[],
  newcomer: string,
  standing: (peer: string) => Standing,
  opts: SlotOptions,
): string | null {
  type Candidate = SlotConnection & Standing;
  let candidates: Candidate[] = onePerPeer(connections)
    .filter((c) => c.direction === 'inbound' && c.peer !== newcomer && !opts.exempt(c.ip))
    .map((c) => ({ ...c, ...standing(c.peer) }));
  const spare = (
    count: number,
    eligible: (c: Candidate) => boolean,
    rank: (c: Candidate) => number,
  ): void => {
    const spared = new Set(
      candidates
        .filter(eligible)
        .sort((a, b) => rank(b) - rank(a))
        .slice(0, count)
        .map((c) => c.peer),
    );
    candidates = candidates.filter((c) => !spared.has(c.peer));
  };
  spare(
    PROTECT_BEST_SCORED,
    (c) => c.score > 0,
    (c) => c.score,
  );
  spare(
    PROTECT_RECENT_BLOCKS,
    (c) => c.lastBlockMs !== null,
    (c) => c.lastBlockMs ?? 0,
  );
  spare(
    PROTECT_RECENT_TXS,
    (c) => c.lastTxMs !== null,
    (c) => c.lastTxMs ?? 0,
  );
  spare(
    Math.floor(candidates.length / 2),
    (c) => c.score >= 0,
    (c) => -c.openedMs,
  );
  if (candidates.length === 0) return null;
  const discouraged = candidates.filter((c) => opts.discouraged?.(c.ip) ?? false);
  if (discouraged.length > 0) candidates = discouraged;
  const negative = candidates.filter((c) => c.score < 0);
  if (negative.length > 0) {
    return negative.sort((a, b) => a.score - b.score || b.openedMs - a.openedMs)[0]!.peer;
  }
  const byIp = new Map<string, Candidate[]>();
  for (const c of candidates) byIp.set(c.ip, [...(byIp.get(c.ip) ?? []), c]);
  const youngest = (group: Candidate[]): number => Math.max(...group.map((c) => c.openedMs));
  const crowded = [...byIp.values()].sort((a, b) => b.length - a.length || youngest(b) - youngest(a))[0]!;
  return crowded.sort((a, b) => b.openedMs - a.openedMs)[0]!.peer;
}

/**
 * Which of one peer's connections to keep. Both ends must pick the same one,
 * or a simultaneous dial loses both: the connection dialled by the peer whose
 * id sorts first wins; among connections in one direction (one side dialling
 * twice), the oldest.
 */
export function preferredConnection(same: readonly SlotConnection[], self: string): SlotConnection {
  const peer = same[0]!.peer;
  const dialledBySmaller: Direction = self < peer ? 'outbound' : 'inbound';
  return [...same].sort(
    (a, b) =>
      Number(b.direction === dialledBySmaller) - Number(a.direction === dialledBySmaller) ||
      a.openedMs - b.openedMs ||
      (a.id < b.id ? -1 : 1),
  )[0]!;
}

/** Each peer's oldest connection: the duplicates are about to go. */
function onePerPeer(connections: readonly SlotConnection[]): SlotConnection[] {
  const byPeer = new Map<string, SlotConnection>();
  for (const c of connections) {
    const held = byPeer.get(c.peer);
    if (held === undefined || c.openedMs < held.openedMs) byPeer.set(c.peer, c);
  }
  return [...byPeer.values()];
}

function inboundPeersFrom(connections: readonly SlotConnection[], ip: string): number {
  return new Set(connections.filter((c) => c.direction === 'inbound' && c.ip === ip).map((c) => c.peer)).size;
}
