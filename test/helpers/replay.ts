// Replays what a stopped node stored into a fresh chain, block by block in
// the order the node stored them (parents first, candidates before their
// M_{h,0}), asserting PROTOCOL.md §6.1 after each. It is how the real-process
// tests check the supply invariant after every block of a chain built by
// processes whose state they cannot reach while it grows; the fresh chain's
// digest must also end equal to the node's.
import { join } from 'node:path';
import type { Test } from 'tap';
import { decodeStoredBlock } from '../../src/chain/block-store.js';
import { Chain } from '../../src/chain/chain.js';
import { CHAIN_DIR } from '../../src/node/node.js';
import { decodeKeyBlock, keyBlockId } from '../../src/protocol/key-block.js';
import { decodeMicroblockHeader, microblockId } from '../../src/protocol/microblock.js';
import type { NetworkParams } from '../../src/protocol/params.js';
import { decodeIndexRecord } from '../../src/storage/index-record.js';
import { Storage } from '../../src/storage/db.js';
import { toHex } from '../../src/util/bytes.js';
import { assertSupplyInvariant } from './supply.js';
import { tempDir } from './temp-dir.js';

export interface Replayed {
  /** Blocks added, and how many of them the invariant was checked after. */
  readonly blocks: number;
  readonly tipId: string;
  readonly digest: string;
}

/** `datadir` is a node's data directory, of a node that has exited; `params` are the ones it ran with. */
export async function replayWithSupplyChecks(
  t: Test,
  datadir: string,
  params: NetworkParams,
): Promise<Replayed> {
  const source = Storage.open(join(datadir, CHAIN_DIR));
  const target = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  // Key-block times may run ahead of the clock (§3.5): the replay's clock is the latest the node saw.
  const chain = Chain.open(target, { params, now: () => Date.now() + 3 * 3600_000 });
  let blocks = 0;
  try {
    for (const { value } of source.read.index.range()) {
      const record = decodeIndexRecord(value);
      const id =
        record.kind === 'key'
          ? keyBlockId(decodeKeyBlock(record.bytes).header)
          : microblockId(decodeMicroblockHeader(record.bytes));
      if (chain.get(id) !== undefined) continue; // genesis
      const stored = source.read.blocks.get(id);
      if (stored === undefined) continue; // a side-branch body the node let go of
      chain.add(decodeStoredBlock(stored));
      blocks++;
      assertSupplyInvariant(t, chain.state(), `block ${blocks} (${toHex(id).slice(0, 12)})`, params);
    }
    return { blocks, tipId: chain.tip.hex, digest: toHex(chain.digest()) };
  } finally {
    await source.close();
    await target.close();
  }
}
