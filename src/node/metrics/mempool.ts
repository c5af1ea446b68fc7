// The mempool's series, read when scraped.
import { Gauge, type Registry } from 'prom-client';
import type { Mempool } from '../../mempool/mempool.js';
import { METRIC_PREFIX } from './registry.js';

export function watchMempool(
  registry: Registry,
  mempool: Pick<Mempool, 'count' | 'bytes' | 'minFeeRate'>,
): void {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}mempool_transactions`,
    help: 'Transactions waiting in the mempool',
    registers,
    collect() {
      this.set(mempool.count);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}mempool_bytes`,
    help: 'Encoded size of the transactions in the mempool',
    registers,
    collect() {
      this.set(mempool.bytes);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}mempool_min_fee_per_byte`,
    help: 'Fee per byte, in base units, a new transaction must pay: the min relay fee rate or the decaying rolling minimum (§4.14)',
    registers,
    collect() {
      this.set(Number(mempool.minFeeRate));
    },
  });
}
