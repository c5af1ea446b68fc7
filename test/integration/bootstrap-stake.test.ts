// --regtest-bootstrap-stake (PROTOCOL.md §1.2): regtest's
// BOOTSTRAP_MIN_VALIDATOR_STAKE is a start value every node must share. It
// rides in the status handshake only when it is not §12's default (decision
// 135), so default nodes send §10.3's 108 bytes unchanged; a mismatched peer is
// disconnected as `bootstrap-stake-mismatch`.
import { test } from 'tap';
import { join } from 'node:path';
import { run } from '../../src/cli/run.js';
import { nodeParams } from '../../src/node/node.js';
import { DEFAULT_BOOTSTRAP_STAKE, STATUS_LENGTH, decodeStatus, encodeStatus } from '../../src/p2p/wire.js';
import { BASE_UNITS_PER_ALTO } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { captureIo } from '../helpers/io.js';
import { connect, converged, mineOn, startNetNode, until, type NetNode } from '../helpers/network.js';
import { GENESIS_STATUS, peersOf } from '../helpers/test-peer.js';
import { ownTempDir } from '../helpers/test-owner.js';

test('the status carries the stake only when it is not the default', (t) => {
  t.equal(encodeStatus(GENESIS_STATUS).length, STATUS_LENGTH, 'default: §10.3 bytes unchanged');
  t.equal(
    decodeStatus(encodeStatus(GENESIS_STATUS)).bootstrapStake,
    DEFAULT_BOOTSTRAP_STAKE,
    'missing = default',
  );
  const one = encodeStatus({ ...GENESIS_STATUS, bootstrapStake: 1n });
  t.equal(one.length, STATUS_LENGTH + 16, 'u128 appended');
  t.equal(decodeStatus(one).bootstrapStake, 1n);
  // The default spelled out is non-canonical: one value, one encoding.
  const spelled = new Uint8Array(STATUS_LENGTH + 16);
  spelled.set(encodeStatus(GENESIS_STATUS));
  spelled.fill(0xff, STATUS_LENGTH);
  t.throws(() => decodeStatus(spelled), { code: 'bad-encoding' });
  t.throws(
    () => decodeStatus(one.subarray(0, STATUS_LENGTH + 8)),
    { code: 'trailing-bytes' },
    'a truncated field: 108 bytes and some',
  );
  t.end();
});

test('one params object: the flag sets BOOTSTRAP_MIN_VALIDATOR_STAKE, regtest only', (t) => {
  t.equal(nodeParams({ network: 'regtest' }), REGTEST, 'no flag: the network constants');
  t.equal(nodeParams({ network: 'regtest', regtestBootstrapStake: 5n }).poa.bootstrapMinValidatorStake, 5n);
  t.equal(REGTEST.poa.bootstrapMinValidatorStake, DEFAULT_BOOTSTRAP_STAKE, 'REGTEST untouched');
  t.throws(() => nodeParams({ network: 'testnet', regtestBootstrapStake: 5n }), { code: 'bad-flag' });
  t.throws(() => nodeParams({ network: 'regtest', regtestBootstrapStake: 0n }), { code: 'bad-flag' });
  t.end();
});

test('bad-flag: --regtest-bootstrap-stake off regtest or not an amount of at least 1 base unit', async (t) => {
  const cases: string[][] = [
    ['--network', 'testnet', '--regtest-bootstrap-stake', '1'],
    ['--regtest-bootstrap-stake', '0'],
    ['--regtest-bootstrap-stake', '0base'],
    ['--regtest-bootstrap-stake', '-1'],
    ['--regtest-bootstrap-stake', 'lots'],
    ['--regtest-bootstrap-stake', '1e5'],
    ['--regtest-bootstrap-stake', `${1n << 128n}base`],
  ];
  for (const args of cases) {
    const aborted = new AbortController();
    aborted.abort();
    const c = captureIo(aborted.signal);
    const code = await run(
      ['node', '--datadir', join(ownTempDir(t), 'x'), '--log-level', 'silent', ...args],
      c.io,
    );
    t.equal(code, 2, args.join(' '));
    t.match(c.err.join('\n'), /--regtest-bootstrap-stake/, args.join(' '));
  }
});

/**
 * Waits until neither node lists the other as a peer and one of them recorded why it hung up:
 * both see the mismatch, and whichever closes first is the one that records it (under load
 * either may be first; the other then sees only the closed connection).
 */
async function apart(
  a: NetNode,
  b: NetNode,
): Promise<{ by: NetNode; reason: string; detail: string | null }> {
  let found: { by: NetNode; reason: string; detail: string | null } | undefined;
  await until(20_000, `${a.peerId} and ${b.peerId} hang up on each other`, async () => {
    const [viewA, viewB] = [await peersOf(a), await peersOf(b)];
    if (viewA.peers.some((p) => p.id === b.peerId) || viewB.peers.some((p) => p.id === a.peerId))
      return false;
    const byA = viewA.disconnected.find((d) => d.peer === b.peerId);
    const byB = viewB.disconnected.find((d) => d.peer === a.peerId);
    found = byA !== undefined ? { by: a, ...byA } : byB !== undefined ? { by: b, ...byB } : undefined;
    return found !== undefined;
  });
  return found!;
}

test('nodes with different stakes disconnect each other; the same stake connects and syncs', async (t) => {
  const low = await startNetNode(t, ['--regtest-bootstrap-stake', '1']);
  const plain = await startNetNode(t);
  await connect(plain, low);
  const hungUp = await apart(low, plain);
  t.equal(hungUp.reason, 'bootstrap-stake-mismatch', 'one of them hangs up for the mismatch');
  const [theirs, ours] =
    hungUp.by === low
      ? [DEFAULT_BOOTSTRAP_STAKE, BASE_UNITS_PER_ALTO]
      : [BASE_UNITS_PER_ALTO, DEFAULT_BOOTSTRAP_STAKE];
  t.equal(hungUp.detail, `theirs ${theirs}, ours ${ours}`, 'says both values');

  // The same value, spelled in base units: they connect and sync.
  const twin = await startNetNode(t, ['--regtest-bootstrap-stake', `${BASE_UNITS_PER_ALTO}base`]);
  await mineOn(low);
  await mineOn(low);
  await connect(twin, low);
  await until(20_000, 'the twin syncs to the same tip', () => converged([low, twin]));
  t.ok(
    (await peersOf(twin)).peers.some((p) => p.id === low.peerId),
    'still connected',
  );
  t.notOk(
    (await peersOf(twin)).disconnected.some((d) => d.reason === 'bootstrap-stake-mismatch'),
    'no mismatch',
  );
});
