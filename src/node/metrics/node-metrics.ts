// Every series of the node in one registry. Modules report through the small
// interfaces beside them (chain/metrics.ts, api/metrics.ts), no-ops unless the
// node serves metrics; what can be read at any time is read when scraped.
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { ApiMetrics } from '../../api/metrics.js';
import type { Chain } from '../../chain/chain.js';
import type { ChainMetrics } from '../../chain/metrics.js';
import type { Mempool } from '../../mempool/mempool.js';
import type { P2pNetwork } from '../../p2p/network.js';
import { apiMetrics } from './api.js';
import { chainMetrics, watchChain } from './chain.js';
import { watchMempool } from './mempool.js';
import { stratumMetrics, watchMining, type MiningSources } from './mining.js';
import { watchNetwork } from './p2p.js';
import { createRegistry } from './registry.js';
import { LMDB_DATA_FILE, watchStorage } from './storage.js';
import { endorsementMetrics, watchEndorsements, type EndorsementSources } from './validator.js';
import type { EndorsementMetrics } from '../../miner/metrics.js';
import type { StratumMetrics } from '../../stratum/metrics.js';

export interface MetricSources extends MiningSources, EndorsementSources {
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly network: P2pNetwork | null;
  /** The LMDB environment's directory (<datadir>/chain). */
  readonly storageDir: string;
}

export class NodeMetrics {
  readonly registry: Registry = createRegistry();
  /** Handed to Chain.open before anything else exists. */
  readonly chain: ChainMetrics = chainMetrics(this.registry);
  /** Handed to the API. */
  readonly api: ApiMetrics = apiMetrics(this.registry);
  /** Handed to the Stratum server. */
  readonly stratum: StratumMetrics = stratumMetrics(this.registry);
  /** Handed to the endorsement pool. */
  readonly endorsements: EndorsementMetrics = endorsementMetrics(this.registry);

  /** Registers the series read when scraped, once every module exists. */
  watch(sources: MetricSources): void {
    watchChain(this.registry, sources.chain);
    watchMempool(this.registry, sources.mempool);
    watchNetwork(this.registry, sources.network, sources.chain);
    watchMining(this.registry, sources);
    watchEndorsements(this.registry, sources);
    watchStorage(this.registry, join(sources.storageDir, LMDB_DATA_FILE));
  }
}
