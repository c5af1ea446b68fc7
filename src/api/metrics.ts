// What the API reports of each request it answered, for node/ to count
// (Prometheus there; nothing by default): one onResponse hook, so no route
// has to know about it.
import type { FastifyInstance } from 'fastify';

/** The route label of a request no route matched: raw URLs are unbounded, so they never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface ApiMetrics {
  /**
   * A request was answered. `route` is the pattern it matched (`/blocks/:id`), or UNMATCHED_ROUTE;
   * `statusClass` is `2xx` to `5xx`; `seconds` runs from the request's arrival to the reply's end.
   */
  request(method: string, route: string, statusClass: string, seconds: number): void;
}

export const NO_API_METRICS: ApiMetrics = { request: () => undefined };

/** Reports every answered request to `metrics`; a no-op when they are NO_API_METRICS. */
export function recordRequests(app: FastifyInstance, metrics: ApiMetrics): void {
  if (metrics === NO_API_METRICS) return;
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const statusClass = `${Math.floor(reply.statusCode / 100)}xx`;
    metrics.request(request.method, route, statusClass, reply.elapsedTime / 1000);
    done();
  });
}
