// An in-process node on a temp data dir and a free API port, stopped on teardown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AltostreamNode, type NodeConfig } from '../../src/node/node.js';
import { createLogger, type Logger } from '../../src/util/logger.js';
import { tempDir } from './temp-dir.js';

export type Teardown = (fn: () => unknown) => void;

export interface TestNode {
  readonly node: AltostreamNode;
  readonly url: string;
  readonly token: string;
  readonly datadir: string;
}

/** A regtest node's config for tests: no miner, no P2P, a free API port; `overrides` on top. */
export function testNodeConfig(datadir: string, overrides: Partial<NodeConfig> = {}): NodeConfig {
  return {
    network: 'regtest',
    datadir,
    mine: false,
    threads: 1,
    payout: undefined,
    blockIntervalMs: 0,
    microblockIntervalMs: 50,
    apiHost: '127.0.0.1',
    apiPort: 0,
    statusIntervalMs: 3_600_000,
    mempool: {},
    p2p: null,
    ...overrides,
  };
}

/** `logger` is silent unless a test reads the node's log (e.g. to assert that nothing reached error level). */
export async function startTestNode(
  teardown: Teardown,
  config: Partial<NodeConfig> = {},
  logger: Logger = createLogger({ level: 'silent' }),
): Promise<TestNode> {
  const datadir = config.datadir ?? tempDir(teardown);
  const node = await AltostreamNode.start(testNodeConfig(datadir, config), { logger });
  teardown(() => node.stop());
  return {
    node,
    url: node.apiUrl,
    token: readFileSync(join(datadir, 'api-token'), 'utf8').trim(),
    datadir,
  };
}
