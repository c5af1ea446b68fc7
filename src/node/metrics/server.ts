// The metrics server: GET /metrics answers the registry in Prometheus text, on
// its own port so it can be firewalled apart from the API (Lodestar, Bitcoin
// exporters, Prometheus's default exporter ports). Anything else is 404.
import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import type { Registry } from 'prom-client';
import { InvalidArgumentError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';

export const METRICS_PATH = '/metrics';

export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

/** Loopback: 127.0.0.0/8, ::1 and localhost. Anything else lets other machines read the node's numbers. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export class MetricsServer {
  private constructor(
    private readonly server: Server,
    readonly host: string,
  ) {}

  static async start(
    address: MetricsAddress,
    mods: { readonly registry: Registry; readonly logger: Logger },
  ): Promise<MetricsServer> {
    const { registry, logger } = mods;
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET' || path !== METRICS_PATH) {
        response
          .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
          .end('not found: GET /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': registry.contentType }).end(text);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'metrics collection failed');
          response
            .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
            .end('metrics collection failed\n');
        },
      );
    });
    // A scrape is one short request: no keep-alive connection may hold stop() up.
    server.keepAliveTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
            ? new InvalidArgumentError(
                'metrics-listen-failed',
                `cannot serve metrics on ${address.host}:${address.port} (${error.code}): is another node running? Pass another --metrics [HOST:]PORT`,
              )
            : error,
        );
      });
      server.listen(address.port, address.host, resolve);
    });
    const metrics = new MetricsServer(server, address.host);
    if (!isLoopback(address.host)) {
      logger.warn(
        { metrics: metrics.url },
        'metrics are served on a non-loopback address: anyone who reaches it reads the node’s numbers; firewall it or pass --metrics 127.0.0.1:PORT',
      );
    }
    return metrics;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}${METRICS_PATH}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }
}
