// Activating our key blocks (§5.4 policy) on a chain with the real rules:
// regtest with BOOTSTRAP_MIN_VALIDATOR_STAKE = 1, the faucet the only
// validator (it owns every slot), and the leader's key naming our key blocks.
import { test, type Test } from 'tap';
import type { Entry, KeyEntry } from '../../src/chain/index-entry.js';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { Activator } from '../../src/miner/activator.js';
import { EndorsementPool } from '../../src/miner/endorsements.js';
import { Leader } from '../../src/miner/leader.js';
import { accountId } from '../../src/protocol/address.js';
import { endorsementSigningMessage } from '../../src/protocol/endorsement.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import { txId, type Tx } from '../../src/protocol/tx.js';
import { ROLE_VALIDATOR } from '../../src/state/entries.js';
import { createLogger } from '../../src/util/logger.js';
import { ChainHarness, HARNESS_NOW_MS } from '../helpers/chain-harness.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { FAUCET_SEED, signedTx, transfer } from '../helpers/txs.js';

const PARAMS: NetworkParams = { ...REGTEST, poa: { ...REGTEST.poa, bootstrapMinValidatorStake: 1n } };
const NODE_SEED = new Uint8Array(32).fill(0x77);
const WAIT_MS = 100;

interface Setup {
  readonly h: ChainHarness;
  readonly pool: EndorsementPool;
  readonly activator: Activator;
  readonly candidates: KeyEntry[];
  readonly leader: Leader;
}

/** `txs` is what the leader's mempool holds: push to it to give the leader work. */
function setup(t: Test, txs: Tx[] = []): Setup {
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    PARAMS,
  );
  const logger = createLogger({ level: 'silent' });
  const leader = new Leader(
    { seed: NODE_SEED, intervalMs: 0 },
    {
      chain: h.chain,
      txs: {
        select: ({ maxTxs }) => txs.slice(0, maxTxs),
        get count() {
          return txs.length;
        },
      },
      params: PARAMS,
      now: () => HARNESS_NOW_MS,
      logger,
      submit: (block) => h.chain.add({ kind: 'micro', block }),
      durable: () => Promise.resolve(),
      broadcast: () => undefined,
      ownCandidateOn: (tipId): boolean => activator.waitsOn(tipId),
    },
  );
  const pool = new EndorsementPool({ slots: PARAMS.poa.slots });
  const activator = new Activator(
    { waitMs: WAIT_MS },
    { leader, endorsements: pool, chain: h.chain, params: PARAMS, logger },
  );
  t.teardown(() => {
    activator.stop();
    leader.stop();
  });
  const candidates: KeyEntry[] = [];
  h.chain.on('candidate', (key) => {
    candidates.push(key);
    activator.onCandidate(key);
  });
  // The faucet bonds as the only validator.
  h.key('a', 'g');
  h.micro('a1', 'a', [signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n ** 19n } })]);
  return { h, pool, activator, candidates, leader };
}

/** A key block naming our leader key on `parent`: a candidate, as stake is bonded. */
function ourKeyBlock(h: ChainHarness, name: string, parent: string | Entry): string {
  const p = typeof parent === 'string' ? h.entry(parent) : parent;
  const block = mineKeyBlock({
    prev: p.id,
    height: p.keyHeight + 1n,
    time: p.epochKey.block.header.time + 60,
    leaderKey: getPublicKey(NODE_SEED),
  });
  return h.add(name, { kind: 'key', block });
}

/** The faucet's endorsement of slot `index`, checked into the pool as the gossip handler would. */
function endorse(s: Setup, key: string, index: number): void {
  const id = s.h.entry(key).id;
  const validatorKey = getPublicKey(FAUCET_SEED);
  s.pool.add({
    keyBlockId: id,
    slot: { index, validatorKey, account: accountId(validatorKey) },
    sig: sign(endorsementSigningMessage(id, index, PARAMS), FAUCET_SEED),
  });
  s.activator.onEndorsement(id);
}

const waitFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('all five endorsements: M_{h,0} goes out at once, and our key block is activated', async (t) => {
  const s = setup(t);
  t.equal(ourKeyBlock(s.h, 'K', 'a1'), 'candidate');
  t.equal(s.candidates.length, 1, "the chain's candidate event");
  for (const index of [4, 0, 2, 1]) endorse(s, 'K', index);
  t.equal(s.h.chain.tip.keyHeight, 1n, 'four of five: still waiting');
  endorse(s, 'K', 3);
  t.equal(s.h.chain.tip.keyHeight, 2n, 'the fifth: activated');
  t.equal(s.h.chain.tip.kind, 'micro');
  t.equal(s.h.chain.state().epoch(2n)?.activation, 0);
  t.equal(s.pool.count(s.h.entry('K').id), 0, 'the pool forgets it');
});

test('three endorsements: M_{h,0} goes out once the wait is over; two are not enough until a third comes', async (t) => {
  const s = setup(t);
  ourKeyBlock(s.h, 'K', 'a1');
  for (const index of [0, 1, 2]) endorse(s, 'K', index);
  t.equal(s.h.chain.tip.keyHeight, 1n, 'within the wait, three are held back for the other two');
  const started = performance.now();
  while (s.h.chain.tip.keyHeight === 1n && performance.now() - started < 2000) await waitFor(10);
  t.equal(s.h.chain.tip.keyHeight, 2n, 'after it, three activate');
  t.ok(performance.now() - started >= WAIT_MS - 20, 'not before the wait was over');

  const r = setup(t);
  ourKeyBlock(r.h, 'K', 'a1');
  endorse(r, 'K', 0);
  endorse(r, 'K', 3);
  await waitFor(WAIT_MS * 3); // past the wait: nothing to poll for, as nothing may happen
  t.equal(r.h.chain.tip.keyHeight, 1n, 'two are never enough');
  endorse(r, 'K', 4);
  t.equal(r.h.chain.tip.keyHeight, 2n, 'the third, after the wait, activates at once');
});

test("someone else's candidate is not ours to activate", async (t) => {
  const s = setup(t);
  t.equal(s.h.key('X', 'a1'), 'candidate');
  for (const index of [0, 1, 2, 3, 4]) endorse(s, 'X', index);
  t.equal(s.h.chain.tip.keyHeight, 1n);
});

test('while a key block of ours waits on the tip, the leader does not extend its epoch', async (t) => {
  const txs: Tx[] = [];
  const s = setup(t, txs);
  ourKeyBlock(s.h, 'K', 'a1');
  for (const index of [0, 1, 2, 3, 4]) endorse(s, 'K', index);
  t.equal(s.h.chain.tip.keyHeight, 2n, 'our epoch is open');
  txs.push(transfer(new Uint8Array(20).fill(1), 1n, { nonce: 1n }));
  t.ok(s.leader.publish(), 'we lead it: the transfer goes into M_{K,1}');
  const extended = s.h.chain.tip;
  t.equal(extended.kind === 'micro' ? extended.seq : -1, 1);

  // Our next key block on that tip waits: a microblock now would fall on a side branch once it
  // activates, and its transfer would go back to the mempool.
  ourKeyBlock(s.h, 'K2', extended);
  txs.push(transfer(new Uint8Array(20).fill(2), 1n, { nonce: 2n }));
  t.notOk(s.leader.isLeading(), 'not leading while K2 waits on the tip');
  t.notOk(s.leader.publish(), 'nothing published');
  t.equal(s.h.chain.tip, extended, 'the tip stays');

  for (const index of [0, 1, 2, 3, 4]) endorse(s, 'K2', index);
  t.equal(s.h.chain.tip.keyHeight, 3n, 'K2 activated');
  t.ok(s.leader.publish(), 'the new epoch carries the held transfer');
  t.equal(s.h.chain.txLocation(txId(txs[1]!))?.block.keyHeight, 3n, "in K2's epoch");
});
