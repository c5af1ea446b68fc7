// The P2P network's series, read when scraped. With P2P off every series is
// still there, at 0 (or at our own tip for sync), so dashboards and alerts
// need no special case.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Chain } from '../../chain/chain.js';
import type { P2pNetwork } from '../../p2p/network.js';
import { TOPIC_KINDS } from '../../p2p/topics.js';
import { METRIC_PREFIX } from './registry.js';

const DIRECTIONS = ['inbound', 'outbound'] as const;
const VERDICTS = ['accepted', 'ignored', 'rejected'] as const;

export function watchNetwork(
  registry: Registry,
  network: Pick<P2pNetwork, 'peers' | 'gossipCounters' | 'syncProgress'> | null,
  chain: Pick<Chain, 'tip'>,
): void {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}peers`,
    help: 'Connected peers by who dialled: inbound (they did) or outbound (we did)',
    labelNames: ['direction'],
    registers,
    collect() {
      const peers = network?.peers() ?? [];
      for (const direction of DIRECTIONS) {
        this.set({ direction }, peers.filter((p) => p.direction === direction).length);
      }
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}gossip_messages_total`,
    help: 'Gossip messages validated, by topic and verdict (§10.2: accepted and relayed, ignored, rejected)',
    labelNames: ['topic', 'verdict'],
    registers,
    collect() {
      const counts = network?.gossipCounters();
      this.reset();
      for (const topic of TOPIC_KINDS) {
        for (const verdict of VERDICTS) this.inc({ topic, verdict }, counts?.[topic]?.[verdict] ?? 0);
      }
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}gossip_unvalidated_total`,
    help: 'Gossip messages IGNOREd without validation, by topic and reason: queue_full (the validation queue or the sender’s share of it) or sender_banned',
    labelNames: ['topic', 'reason'],
    registers,
    collect() {
      const counts = network?.gossipCounters();
      this.reset();
      for (const topic of TOPIC_KINDS) {
        this.inc({ topic, reason: 'queue_full' }, counts?.[topic]?.dropped ?? 0);
        this.inc({ topic, reason: 'sender_banned' }, counts?.[topic]?.purged ?? 0);
      }
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}gossip_queued_messages`,
    help: 'Gossip messages waiting for validation now, by topic',
    labelNames: ['topic'],
    registers,
    collect() {
      const counts = network?.gossipCounters();
      for (const topic of TOPIC_KINDS) this.set({ topic }, counts?.[topic]?.queued ?? 0);
    },
  });
  const sync = (): { syncing: boolean; height: number; target: number } => {
    if (network !== null) return network.syncProgress();
    const height = Number(chain.tip.keyHeight);
    return { syncing: false, height, target: height };
  };
  new Gauge({
    name: `${METRIC_PREFIX}sync_key_height`,
    help: 'Key height reached by sync (our tip)',
    registers,
    collect() {
      this.set(sync().height);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}sync_target_key_height`,
    help: 'Highest key height a peer claims (our own when no peer claims more)',
    registers,
    collect() {
      this.set(sync().target);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}sync_syncing`,
    help: '1 while a range sync is running, else 0',
    registers,
    collect() {
      this.set(sync().syncing ? 1 : 0);
    },
  });
}
