// The API's request latency, fed through ApiMetrics.
import { Histogram, type Registry } from 'prom-client';
import type { ApiMetrics } from '../../api/metrics.js';
import { METRIC_PREFIX } from './registry.js';

/** Seconds: 1 ms (a cached read) to 10 s (a slow page under load); longer ones land in +Inf. */
export const API_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function apiMetrics(registry: Registry): ApiMetrics {
  const latency = new Histogram({
    name: `${METRIC_PREFIX}api_request_duration_seconds`,
    help: 'Time from a request’s arrival to the end of its reply, by method, route pattern and status class (an event stream counts its whole life)',
    labelNames: ['method', 'route', 'status'],
    buckets: API_LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    request: (method, route, status, seconds) => {
      latency.observe({ method, route, status }, seconds);
    },
  };
}
