import { existsSync, statSync } from 'node:fs';
import { test } from 'tap';
import { verify } from '../../src/crypto/ed25519.js';
import { REGTEST } from '../../src/protocol/params.js';
import { domainMessage } from '../../src/protocol/signing-domain.js';
import {
  agentSign,
  agentSocketPath,
  agentStatus,
  askAgent,
  lockAgent,
  serveAgent,
} from '../../src/wallet/agent.js';
import { createKey } from '../../src/wallet/keystore.js';
import { seededRandom } from '../helpers/random.js';
import { ownTempDir, type TestOwner } from '../helpers/test-owner.js';

const ALICE = createKey('default', REGTEST, seededRandom(238));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** An agent served in this process, holding ALICE; `exited` resolves when it shuts down. */
async function agent(t: TestOwner, timeoutMs = 60_000) {
  const datadir = ownTempDir(t);
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const server = await serveAgent(
    {
      socketPath: agentSocketPath(datadir),
      network: 'regtest',
      timeoutMs,
      keys: [{ label: ALICE.label, publicKey: hex(ALICE.publicKey), seed: hex(ALICE.seed) }],
    },
    exit,
  );
  // A lock clears the agent's timer too, so the test process does not wait out the timeout.
  t.teardown(async () => {
    await lockAgent(datadir);
    server.close();
  });
  return { datadir, exited };
}

test('the agent signs a transaction message of its network with the key of the label, 0600 socket', async (t) => {
  const { datadir } = await agent(t);
  t.equal(statSync(agentSocketPath(datadir)).mode & 0o777, 0o600);
  const message = domainMessage(REGTEST.chainId, 'tx', new Uint8Array([1, 2, 3]));
  const signature = await agentSign(datadir, 'default', ALICE.publicKey, message);
  t.ok(signature !== undefined && verify(signature, message, ALICE.publicKey));
  t.same((await agentStatus(datadir))?.labels, ['default']);
});

test('not-a-tx: the agent is no signing oracle: another domain or network is refused', async (t) => {
  const { datadir } = await agent(t);
  for (const message of [
    domainMessage(REGTEST.chainId, 'endorse', new Uint8Array([1])),
    domainMessage('altostream-testnet', 'tx', new Uint8Array([1])),
    new Uint8Array([1, 2, 3]),
  ]) {
    await t.rejects(agentSign(datadir, 'default', ALICE.publicKey, message), {
      code: 'agent-failed',
      message: /not-a-tx/,
    });
  }
});

test('unknown-key: another label or public key falls back (undefined), as does no agent at all', async (t) => {
  const { datadir } = await agent(t);
  const message = domainMessage(REGTEST.chainId, 'tx', new Uint8Array([1]));
  t.equal(await agentSign(datadir, 'savings', ALICE.publicKey, message), undefined);
  t.equal(await agentSign(datadir, 'default', new Uint8Array(32), message), undefined);
  t.equal(await agentSign(ownTempDir(t), 'default', ALICE.publicKey, message), undefined, 'no socket');
});

test('bad-request: junk and an oversized request get an error line, never a crash', async (t) => {
  const { datadir } = await agent(t);
  t.match(await askAgent(agentSocketPath(datadir), { op: 'dump-seeds' }), { ok: false, code: 'bad-request' });
  t.match(
    await askAgent(agentSocketPath(datadir), {
      op: 'sign',
      label: 'default',
      publicKey: hex(ALICE.publicKey),
      message: 'zz',
    }),
    { ok: false, code: 'bad-request' },
  );
  t.match(await askAgent(agentSocketPath(datadir), { pad: 'x'.repeat(70_000) }), {
    ok: false,
    code: 'bad-request',
  });
  t.same((await agentStatus(datadir))?.labels, ['default'], 'still serving');
});

test('lock: the agent removes its socket, then answers and exits', async (t) => {
  const { datadir, exited } = await agent(t);
  t.equal(await lockAgent(datadir), true);
  await exited;
  t.notOk(existsSync(agentSocketPath(datadir)));
  t.equal(await lockAgent(datadir), false, 'nothing left to lock');
});

test('timeout: the agent exits on its own and removes its socket', async (t) => {
  const { datadir, exited } = await agent(t, 200);
  await exited;
  t.notOk(existsSync(agentSocketPath(datadir)));
  t.equal(await agentStatus(datadir), undefined);
});
