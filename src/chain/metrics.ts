// What the chain reports as it moves its tip, for node/ to count (Prometheus
// there; nothing by default). What can be read at any moment (the tip, its
// work) is read from Chain itself when scraped, so it is not in here.

export interface ChainMetrics {
  /** A key block joined the best chain (also each one a reorg connects). */
  keyBlockConnected(): void;
  /** A microblock joined the best chain (also each one a reorg connects). */
  microblockConnected(): void;
  /** The best chain moved to another branch; `depth`: blocks disconnected, key blocks and microblocks. */
  reorg(depth: number): void;
}

export const NO_CHAIN_METRICS: ChainMetrics = {
  keyBlockConnected: () => undefined,
  microblockConnected: () => undefined,
  reorg: () => undefined,
};
