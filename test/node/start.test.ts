import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { AltostreamNode, type NodeConfig } from '../../src/node/node.js';
import { InvalidArgumentError } from '../../src/util/errors.js';
import { captureLog, LEVEL } from '../helpers/log-capture.js';
import { testNodeConfig } from '../helpers/node.js';
import { ownTempDir } from '../helpers/test-owner.js';

function config(datadir: string, p2p: NodeConfig['p2p']): NodeConfig {
  return testNodeConfig(datadir, { p2p });
}

const P2P = { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxPeers: 16, banMs: 60_000, stallMs: 3000 };

test('node-started-log: "node started" lists the P2P addresses with /p2p/<id>, ready for --bootstrap', async (t) => {
  const { logger, records } = captureLog('info');
  const node = await AltostreamNode.start(config(ownTempDir(t), P2P), { logger });
  t.teardown(() => node.stop());
  const started = records.find((r) => r.msg === 'node started');
  const peerId = node.network!.peerId;
  t.match(started, {
    level: LEVEL.info,
    p2p: { peerId, listen: [new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${peerId}$`)] },
  });
});

test('node-started-log: with P2P off, "node started" says so', async (t) => {
  const { logger, records } = captureLog('info');
  const node = await AltostreamNode.start(config(ownTempDir(t), null), { logger });
  t.teardown(() => node.stop());
  t.match(
    records.find((r) => r.msg === 'node started'),
    { p2p: false },
  );
});

test('bad-flag: a --bootstrap address without /p2p/<id> is refused at start, before the data dir is touched', async (t) => {
  const datadir = join(ownTempDir(t), 'node');
  const { logger } = captureLog('info');
  await t.rejects(
    AltostreamNode.start(config(datadir, { ...P2P, bootstrap: ['/ip4/127.0.0.1/tcp/27370'] }), { logger }),
    {
      constructor: InvalidArgumentError,
      code: 'bad-flag',
      message: /^--bootstrap \/ip4\/127\.0\.0\.1\/tcp\/27370 does not name the peer: append \/p2p\/<peer id>/,
    },
  );
  t.notOk(existsSync(datadir), 'no data dir was created');
});
