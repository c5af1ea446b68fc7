// Hash rates of the built-in miner and of the Stratum workers, read when scraped.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StratumMetrics } from '../../stratum/metrics.js';
import type { ShareOutcome } from '../../stratum/session.js';
import { METRIC_PREFIX } from './registry.js';

/** Every outcome, so each series exists (at 0) before its first share; a Record, so none is missed. */
const SHARE_OUTCOMES = Object.keys({
  accepted: true,
  stale: true,
  duplicate: true,
  'low-difficulty': true,
  invalid: true,
} satisfies Record<ShareOutcome, true>) as ShareOutcome[];

export function stratumMetrics(registry: Registry): StratumMetrics {
  const shares = new Counter({
    name: `${METRIC_PREFIX}stratum_shares_total`,
    help: 'Shares Stratum workers submitted, by outcome: accepted, stale, duplicate, low-difficulty, invalid',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of SHARE_OUTCOMES) shares.inc({ outcome }, 0);
  return {
    share: (outcome) => {
      shares.inc({ outcome });
    },
  };
}

export interface MiningSources {
  /** The built-in miner; null while the node does not mine (it may start later). */
  miner(): { hashRate(): number; hashes(): number } | null;
  stratum: { summary(): { workers: number; hashRate: number } } | null;
}

export function watchMining(registry: Registry, sources: MiningSources): void {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}miner_hashes_per_second`,
    help: 'Hash rate of the built-in CPU miner over its recent reports (0 when not mining)',
    registers,
    collect() {
      this.set(sources.miner()?.hashRate() ?? 0);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}miner_hashes_total`,
    help: 'Hashes the built-in CPU miner has computed since the node started',
    registers,
    collect() {
      this.reset();
      this.inc(sources.miner()?.hashes() ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}stratum_hashes_per_second`,
    help: 'Hash rate of the connected Stratum workers, estimated from their shares (0 when Stratum is off)',
    registers,
    collect() {
      this.set(sources.stratum?.summary().hashRate ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}stratum_workers`,
    help: 'Stratum workers connected now (0 when Stratum is off)',
    registers,
    collect() {
      this.set(sources.stratum?.summary().workers ?? 0);
    },
  });
}
