// The chain's series: counters fed through ChainMetrics, and the tip read when scraped.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Chain } from '../../chain/chain.js';
import type { ChainMetrics } from '../../chain/metrics.js';
import { METRIC_PREFIX } from './registry.js';

/** Reorg depths in blocks (key blocks and microblocks): most are 1–3, UNDO_DEPTH-deep ones are alarms. */
export const REORG_DEPTH_BUCKETS = [1, 2, 3, 5, 10, 20, 50, 100, 200];

export function chainMetrics(registry: Registry): ChainMetrics {
  const registers = [registry];
  const keyBlocks = new Counter({
    name: `${METRIC_PREFIX}chain_key_blocks_connected_total`,
    help: 'Key blocks that joined the best chain, including those a reorg connected',
    registers,
  });
  const microblocks = new Counter({
    name: `${METRIC_PREFIX}chain_microblocks_connected_total`,
    help: 'Microblocks that joined the best chain, including those a reorg connected',
    registers,
  });
  const reorgs = new Counter({
    name: `${METRIC_PREFIX}chain_reorgs_total`,
    help: 'Times the best chain moved to another branch',
    registers,
  });
  const depth = new Histogram({
    name: `${METRIC_PREFIX}chain_reorg_depth_blocks`,
    help: 'Blocks (key blocks and microblocks) each reorg disconnected',
    buckets: REORG_DEPTH_BUCKETS,
    registers,
  });
  return {
    keyBlockConnected: () => {
      keyBlocks.inc();
    },
    microblockConnected: () => {
      microblocks.inc();
    },
    reorg: (blocks) => {
      reorgs.inc();
      depth.observe(blocks);
    },
  };
}

export function watchChain(registry: Registry, chain: Pick<Chain, 'tip'>): void {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}chain_tip_key_height`,
    help: 'Key height of the best tip',
    registers,
    collect() {
      this.set(Number(chain.tip.keyHeight));
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}chain_tip_epoch_microblocks`,
    help: "Microblocks on the best chain in the tip's epoch (the tip's seq + 1; 0 when the tip is a key block)",
    registers,
    collect() {
      const tip = chain.tip;
      this.set(tip.kind === 'micro' ? tip.seq + 1 : 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}chain_work`,
    help: 'Work of the best chain (sum of its key blocks’ work, §3.4), as a float',
    registers,
    collect() {
      this.set(Number(chain.tip.chainWork));
    },
  });
}
