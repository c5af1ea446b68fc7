// What the Stratum server reports of the shares it judges, for node/ to count
// (Prometheus there; nothing by default). Workers and hash rate are read from
// StratumServer.summary() when scraped, so they are not in here.
import type { ShareOutcome } from './session.js';

export interface StratumMetrics {
  /** A share was judged: accepted, or why not (stale, duplicate, low-difficulty, invalid). */
  share(outcome: ShareOutcome): void;
}

export const NO_STRATUM_METRICS: StratumMetrics = { share: () => undefined };
