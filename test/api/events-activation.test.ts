// GET /events: `candidate` (live) when a key block waits for its endorsements,
// `activation` walked from the chain just before the block_connected of the
// block that activates it (decision 144), so ?from= and Last-Event-ID replay it.
// A node on regtest with BOOTSTRAP_MIN_VALIDATOR_STAKE = 1 base unit; the
// blocks are built on a harness chain with the same parameters, then added to
// the node's chain (the faucet, bonded in a1, is the only validator and owns
// every slot).
//
//   g ── a (bootstrap) ── a1 (faucet stakes) ── A2 (candidate) ── A2m (M_{h,0}: slots 0, 1, 2)
import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { ROLE_VALIDATOR } from '../../src/state/entries.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { startTestNode } from '../helpers/node.js';
import { addActivation, POA_PARAMS } from '../helpers/poa.js';
import { SseClient, type SseMessage } from '../helpers/sse.js';
import { FAUCET_ACCOUNT, signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FAUCET = encodeAddress(POA_PARAMS.hrp, FAUCET_ACCOUNT);

/** One line per event: `+id` connected, `activation mode id`, `candidate id`. */
const summary = (messages: readonly SseMessage[]): string[] =>
  messages.map((m) =>
    m.event === 'block_connected'
      ? `+${String(m.data.id)}`
      : m.event === 'activation'
        ? `activation ${String(m.data.mode)} ${String(m.data.id)}`
        : `${m.event} ${String(m.data.id)}`,
  );

test('events: candidate, then activation before the block that activates; bootstrap activations too; Last-Event-ID replays a missed one', async (t) => {
  const { url, node } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { regtestBootstrapStake: 1n },
  );
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    POA_PARAMS,
  );
  const feed = (...names: string[]): void => {
    for (const name of names) node.chain.add(h.blocks.get(name)!);
  };
  const hexOf = (name: string): string => h.entry(name).hex;
  const client = await SseClient.open(`${url}/events?from=1&types=block_connected,activation,candidate`);
  t.teardown(() => {
    client.close();
  });
  const activationsOnly = await SseClient.open(`${url}/events?from=0&types=activation`);
  t.teardown(() => {
    activationsOnly.close();
  });

  h.key('a', 'g');
  h.micro('a1', 'a', [
    signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n * ALTO }, nonce: 0n }, POA_PARAMS),
  ]);
  feed('a', 'a1');
  await client.wait((m) => m.length >= 3);
  t.same(summary(client.messages), [
    `activation bootstrap ${hexOf('a')}`,
    `+${hexOf('a')}`,
    `+${hexOf('a1')}`,
  ]);
  t.same(
    client.messages[0]?.data,
    { type: 'activation', id: hexOf('a'), height: 1, mode: 'bootstrap', endorsers: null, block: hexOf('a') },
    'a bootstrap activation names no endorsers',
  );
  t.equal(
    client.messages[0]?.id,
    undefined,
    'an activation carries no id: the cursor stays before its block',
  );

  t.equal(h.key('A2', 'a1'), 'candidate');
  feed('A2');
  await client.wait((m) => m.length >= 4);
  t.same(client.messages[3], {
    event: 'candidate',
    id: undefined,
    data: {
      type: 'candidate',
      id: hexOf('A2'),
      height: 2,
      prev: hexOf('a1'),
      slots: [FAUCET, FAUCET, FAUCET, FAUCET, FAUCET],
    },
  });

  addActivation(h, 'A2m', 'A2', [0, 1, 2]);
  feed('A2m');
  await client.wait((m) => m.length >= 7);
  t.same(summary(client.messages).slice(3), [
    `candidate ${hexOf('A2')}`,
    `+${hexOf('A2')}`,
    `activation endorsed ${hexOf('A2')}`,
    `+${hexOf('A2m')}`,
  ]);
  t.same(client.messages[5]?.data, {
    type: 'activation',
    id: hexOf('A2'),
    height: 2,
    mode: 'endorsed',
    endorsers: [0, 1, 2].map((index) => ({ index, validator: FAUCET })),
    block: hexOf('A2m'),
  });

  await activationsOnly.wait((m) => m.length >= 2);
  t.same(
    summary(activationsOnly.messages),
    [`activation bootstrap ${hexOf('a')}`, `activation endorsed ${hexOf('A2')}`],
    '?types=activation: every activation from genesis on, and nothing else',
  );

  // An indexer that applied A2 and dropped before the activation resumes from A2's id: it is told again.
  const resumed = await SseClient.open(`${url}/events`, { 'last-event-id': hexOf('A2') });
  t.teardown(() => {
    resumed.close();
  });
  await resumed.wait((m) => m.length >= 2);
  t.same(summary(resumed.messages), [`activation endorsed ${hexOf('A2')}`, `+${hexOf('A2m')}`]);
  const replayed = await SseClient.open(`${url}/events?from=2&types=activation`);
  t.teardown(() => {
    replayed.close();
  });
  await replayed.wait((m) => m.length >= 1);
  t.same(summary(replayed.messages), [`activation endorsed ${hexOf('A2')}`], '?from= replays it too');
});
