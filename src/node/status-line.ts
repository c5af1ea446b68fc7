// The line a running node logs every 10 s: height, mining, Stratum workers, peers, mempool,
// block age and sync progress, in words an operator reads at a glance.
import type { SyncProgress } from '../p2p/sync.js';

export interface NodeSummary {
  readonly height: number;
  /** Whether the built-in miner runs. */
  readonly mining: boolean;
  /** Hashes per second while hashing. */
  readonly hashRate: number;
  /** Seconds until the paced miner hashes again; null while it hashes or when not mining. */
  readonly pacedForS: number | null;
  readonly peers: number;
  readonly mempool: number;
  readonly lastBlockAgeS: number;
  readonly sync: SyncProgress | null;
  /** Connected Stratum workers and their summed hash rate; null when Stratum is off. */
  readonly stratum: { readonly workers: number; readonly hashRate: number } | null;
  /** Validator mode's slots won and endorsements included; null when it is off. */
  readonly validator?: { readonly slotsWon: number; readonly endorsementsIncluded: number } | null;
}

export function formatStatusLine(s: NodeSummary): string {
  const parts = [
    `height ${s.height}`,
    formatMining(s),
    ...(s.stratum === null
      ? []
      : [
          `stratum ${s.stratum.workers} worker${s.stratum.workers === 1 ? '' : 's'}, ${formatHashRate(s.stratum.hashRate)}`,
        ]),
    ...(s.validator === undefined || s.validator === null
      ? []
      : [`validator ${s.validator.slotsWon} slots won, ${s.validator.endorsementsIncluded} included`]),
    `${s.peers} peer${s.peers === 1 ? '' : 's'}`,
    `mempool ${s.mempool}`,
    `last block ${s.lastBlockAgeS} s ago`,
  ];
  if (s.sync?.syncing === true) {
    const eta = s.sync.etaS === null ? '' : `, ETA ${Math.ceil(s.sync.etaS)} s`;
    parts.push(`syncing ${s.sync.height}/${s.sync.target}${eta}`);
  }
  return parts.join(' · ');
}

/**
 * The miner's rate while it hashes. A paced miner (--block-interval, the
 * devnet) hashes for moments between long waits: the wait is named, not
 * averaged in.
 */
export function formatMining(s: Pick<NodeSummary, 'mining' | 'hashRate' | 'pacedForS'>): string {
  if (!s.mining) return 'not mining';
  const rate = formatHashRate(s.hashRate);
  return s.pacedForS === null ? rate : `${rate} (paced: mining again in ${Math.ceil(s.pacedForS)} s)`;
}

export function formatHashRate(hs: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s'];
  let value = hs;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 100 ? 1 : 0)} ${units[unit]!}`;
}
