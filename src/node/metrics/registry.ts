// One prom-client registry per node (never the global one: tests run several
// nodes in one process), with the process defaults of prom-client under their
// standard names, so the usual Node.js dashboards read them (decision 219).
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every Altostream series starts with it (Prometheus: one prefix per exporter). */
export const METRIC_PREFIX = 'altostream_';

/** How often the event-loop delay is sampled, in milliseconds (prom-client's default). */
export const EVENT_LOOP_SAMPLE_MS = 10;

export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}
