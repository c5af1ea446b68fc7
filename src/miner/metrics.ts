// What the endorsement pool reports, for node/ to count (Prometheus there;
// nothing by default).

export interface EndorsementMetrics {
  /** A checked endorsement was taken into the pool (from gossip or our validator); duplicates are not. */
  endorsementAdded(): void;
}

export const NO_ENDORSEMENT_METRICS: EndorsementMetrics = { endorsementAdded: () => undefined };
