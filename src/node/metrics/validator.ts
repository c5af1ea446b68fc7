// Endorsements (§5.3, §5.4), read when scraped: those the node holds for waiting
// candidates, and what our own validator signed and saw included.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EndorsementMetrics } from '../../miner/metrics.js';
import { METRIC_PREFIX } from './registry.js';

export function endorsementMetrics(registry: Registry): EndorsementMetrics {
  const seen = new Counter({
    name: `${METRIC_PREFIX}endorsements_seen_total`,
    help: 'Checked endorsements the node took into its pool, from gossip and from its own validator (duplicates not counted)',
    registers: [registry],
  });
  return {
    endorsementAdded: () => {
      seen.inc();
    },
  };
}

export interface EndorsementSources {
  /** The endorsement pool: its size is the candidates with at least one endorsement held. */
  readonly pool: { readonly size: number };
  /** null: validator mode is off (its series stay at 0). */
  readonly validator: {
    stats(): { slotsWon: number; endorsementsSigned: number; endorsementsIncluded: number };
  } | null;
}

export function watchEndorsements(registry: Registry, sources: EndorsementSources): void {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}endorsements_candidates`,
    help: 'Candidate key blocks waiting for activation with at least one endorsement held',
    registers,
    collect() {
      this.set(sources.pool.size);
    },
  });
  const stat = (read: (s: ReturnType<NonNullable<EndorsementSources['validator']>['stats']>) => number) =>
    function (this: Counter): void {
      const stats = sources.validator?.stats();
      this.reset();
      this.inc(stats === undefined ? 0 : read(stats));
    };
  new Counter({
    name: `${METRIC_PREFIX}validator_slots_won_total`,
    help: 'Endorsement slots the draw gave our validator (0 when validator mode is off)',
    registers,
    collect: stat((s) => s.slotsWon),
  });
  new Counter({
    name: `${METRIC_PREFIX}validator_endorsements_signed_total`,
    help: 'Endorsements our validator signed and published',
    registers,
    collect: stat((s) => s.endorsementsSigned),
  });
  new Counter({
    name: `${METRIC_PREFIX}validator_endorsements_included_total`,
    help: 'Endorsements of our validator included in an activation section on the best chain',
    registers,
    collect: stat((s) => s.endorsementsIncluded),
  });
}
