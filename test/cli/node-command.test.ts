// `altostream node` with values that cannot work: each is one line naming the
// flag (or file) and what to do, exit 2 for bad usage and 1 for what the
// machine refuses, before anything is created. The signal is aborted up front,
// so a node that starts by mistake stops at once instead of hanging the test.
import { test } from 'tap';
import { run } from '../../src/cli/run.js';
import { REGTEST } from '../../src/protocol/params.js';
import { addKey, createKey, emptyWallet, saveWallet, walletPath } from '../../src/wallet/keystore.js';
import { captureIo } from '../helpers/io.js';
import { seededRandom } from '../helpers/random.js';
import { ownTempDir } from '../helpers/test-owner.js';

async function node(...args: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const aborted = new AbortController();
  aborted.abort();
  const c = captureIo(aborted.signal);
  const code = await run(['node', '--api-port', '0', '--log-level', 'silent', ...args], c.io);
  return { code, err: c.err, out: c.out };
}

test('reserved-label: a devnet whose wallet has another key labelled faucet exits 1 with one line naming the file', async (t) => {
  const datadir = ownTempDir(t);
  const impostor = createKey('faucet', REGTEST, seededRandom(8));
  await saveWallet(walletPath(datadir), addKey(emptyWallet(REGTEST), impostor));
  const result = await node('--datadir', datadir);
  t.equal(result.code, 1);
  t.same(result.err, [
    `altostream node: ${walletPath(datadir)}: the key labelled 'faucet' is not the regtest faucet key (PROTOCOL.md §1.3): give it another label in that file, then start the node again`,
  ]);
});
