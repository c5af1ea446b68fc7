// Validator mode on a chain with the real rules: regtest with
// BOOTSTRAP_MIN_VALIDATOR_STAKE = 1 and the faucet as the only validator, so
// the draw gives it all five slots of every candidate.
import { test, type Test } from 'tap';
import { checkEndorsement } from '../../src/consensus/activity.js';
import type { Endorsement } from '../../src/protocol/endorsement.js';
import type { ActivationEntry } from '../../src/protocol/microblock.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import { ROLE_VALIDATOR } from '../../src/state/entries.js';
import { createLogger } from '../../src/util/logger.js';
import { Validator } from '../../src/validator/validator.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { FAUCET_ACCOUNT, FAUCET_SEED, signedTx } from '../helpers/txs.js';

const PARAMS: NetworkParams = { ...REGTEST, poa: { ...REGTEST.poa, bootstrapMinValidatorStake: 1n } };

function setup(t: Test): { h: ChainHarness; validator: Validator; published: Endorsement[] } {
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    PARAMS,
  );
  const published: Endorsement[] = [];
  const validator = new Validator(FAUCET_SEED, {
    chain: h.chain,
    params: PARAMS,
    logger: createLogger({ level: 'silent' }),
    publish: (e) => published.push(e),
  });
  t.teardown(() => {
    validator.stop();
  });
  h.key('a', 'g');
  h.micro('a1', 'a', [signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n ** 19n } })]);
  return { h, validator, published };
}

test('a candidate on our best chain: every slot we own endorsed at once, each valid, each once', async (t) => {
  const { h, validator, published } = setup(t);
  t.equal(h.key('K', 'a1'), 'candidate');
  t.same(
    published.map((e) => e.index),
    [0, 1, 2, 3, 4],
  );
  const target = h.chain.endorsementTarget(h.entry('K').id)!;
  for (const e of published) {
    t.same(checkEndorsement(e, h.entry('K').id, target.slotOwners, PARAMS).account, FAUCET_ACCOUNT);
  }
  validator.endorse(h.entry('K') as never);
  t.equal(published.length, 5, 'asked again: nothing signed twice');

  const section: ActivationEntry[] = published
    .slice(0, 4)
    .map(({ index, validatorKey, sig }) => ({ index, validatorKey, sig }));
  const k = h.entry('K');
  const m0 = buildMicroblock({
    keyBlockId: k.id,
    prev: k.id,
    keyHeight: k.keyHeight,
    seq: 0,
    timeMs: k.timeMs + 1000n,
    activation: section,
  });
  t.equal(h.add('K0', { kind: 'micro', block: m0 }), 'connected');
  t.same(validator.stats(), {
    account: Buffer.from(FAUCET_ACCOUNT).toString('hex'),
    slotsWon: 5,
    endorsementsSigned: 5,
    endorsementsIncluded: 4,
  });
});

test('a candidate whose prev left our best chain is not endorsed', async (t) => {
  const { h, published } = setup(t);
  h.micro('a2', 'a1');
  // A rival a1' on a, bonding the faucet too: a key block on it is a candidate whose prev is not on
  // our best chain (a → a1 → a2).
  const rival = buildMicroblock({
    keyBlockId: h.entry('a').id,
    prev: h.entry('a').id,
    keyHeight: 1n,
    seq: 0,
    timeMs: h.entry('a').timeMs + 5000n,
    txs: [signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n ** 19n }, fee: 2000n })],
  });
  t.equal(h.add("a1'", { kind: 'micro', block: rival }), 'side');
  const p = h.entry("a1'");
  const key = mineKeyBlock({ prev: p.id, height: 2n, time: p.epochKey.block.header.time + 60 });
  t.equal(h.add('R', { kind: 'key', block: key }), 'candidate');
  t.equal(h.chain.endorsementTarget(h.entry('R').id)?.prevOnBestChain, false);
  t.same(published, [], 'nothing signed');
});
