// The LMDB data file's size, read when scraped.
import { stat } from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './registry.js';

/** lmdb's data file inside the environment directory. */
export const LMDB_DATA_FILE = 'data.mdb';

export function watchStorage(registry: Registry, dataFile: string): void {
  new Gauge({
    name: `${METRIC_PREFIX}lmdb_data_bytes`,
    help: 'Size of the LMDB data file (<datadir>/chain/data.mdb)',
    registers: [registry],
    async collect() {
      this.set((await stat(dataFile)).size);
    },
  });
}
