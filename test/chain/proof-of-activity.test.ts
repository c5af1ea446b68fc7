// Proof of Activity through the chain, with the real rules (PROTOCOL.md §5):
// regtest with BOOTSTRAP_MIN_VALIDATOR_STAKE = 1 base unit, the faucet as the
// only validator, so it owns every slot of every draw.
//
//   g ── a ── a1 (faucet stakes) ── B (candidate) ── B0 (M_{h,0}: 3 endorsements) ── B1 ── F (fallback, 1,300 s later)
//               ╰── X (a candidate nobody endorses: no weight, nothing builds on it)
import { test } from 'tap';
import { workOf, targetFromBits } from '../../src/consensus/difficulty.js';
import {
  decodePending,
  decodePendingKey,
  KIND_VALIDATOR_SLOT,
  ROLE_VALIDATOR,
} from '../../src/state/entries.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { addActivation, openPoaHarness, POA_PARAMS } from '../helpers/poa.js';
import { FAUCET_ACCOUNT, signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
/** a, then a1 in which the faucet bonds 10 ALTO as a validator. */
function staked(h: ChainHarness): void {
  h.key('a', 'g');
  const stake = signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n * ALTO }, fee: 1000n });
  h.micro('a1', 'a', [stake]);
}

test('with stake bonded, a key block waits for its endorsements; three of the drawn validator activate it', async (t) => {
  const h = openPoaHarness(t);
  staked(h);
  const before = { tip: h.tipName(), work: h.chain.tip.chainWork };
  t.equal(h.key('B', 'a1'), 'candidate', 'T ≥ BOOTSTRAP_MIN_VALIDATOR_STAKE: a candidate');
  t.same({ tip: h.tipName(), work: h.chain.tip.chainWork }, before, 'no state, no weight');

  const target = h.chain.endorsementTarget(h.entry('B').id);
  t.same(
    target?.slotOwners,
    Array.from({ length: 5 }, () => FAUCET_ACCOUNT),
    'the only validator owns every slot of the draw',
  );
  t.equal(target?.prevOnBestChain, true, 'its prev, a1, is on our best chain');
  t.equal(
    h.chain.endorsementTarget(h.entry('a').id),
    undefined,
    'a bootstrap key block takes no endorsements',
  );
  t.throws(() => addActivation(h, 'B0x', 'B', [0, 1]), { code: 'insufficient-endorsements' });
  t.equal(addActivation(h, 'B0', 'B', [0, 2, 4]), 'connected');
  t.equal(h.tipName(), 'B0');
  t.equal(
    h.chain.tip.chainWork,
    before.work + workOf(targetFromBits(h.entry('B').epochKey.block.header.bits)),
  );
  const state = h.chain.state();
  t.equal(state.epoch(2n)?.activation, 0, 'endorsed');
  t.equal(
    state.bond(FAUCET_ACCOUNT, ROLE_VALIDATOR)?.lastEndorsed,
    h.entry('B').epochKey.block.header.time,
    'last_endorsed := K.time',
  );
  let slotPay = 0n;
  for (const { key, value } of state.range(Uint8Array.of(0x0f), Uint8Array.of(0x10))) {
    if (decodePendingKey(key).kind === KIND_VALIDATOR_SLOT) slotPay += decodePending(value).amount;
  }
  const perSlot = (POA_PARAMS.baseSubsidy * 1500n) / 10_000n / 5n;
  t.equal(
    slotPay,
    3n * perSlot,
    'floor(V/N) for each of the three included slots, the other two never minted',
  );
  t.equal(h.micro('B1', 'B0'), 'connected', 'the epoch goes on');
  t.equal(h.chain.endorsementTarget(h.entry('B').id), undefined, 'an activated key block takes no more');
});

test('a branch of unendorsed key blocks never overtakes, whatever its raw work', async (t) => {
  const h = openPoaHarness(t);
  staked(h);
  h.key('B', 'a1');
  addActivation(h, 'B0', 'B', [0, 1, 2]);
  t.equal(h.key('X', 'a1'), 'candidate', 'a rival on a1, never endorsed');
  t.equal(h.chain.endorsementTarget(h.entry('X').id)?.prevOnBestChain, true, 'a1 is still on the best chain');
  h.micro('B1', 'B0');
  t.equal(h.key('C', 'B1'), 'candidate');
  t.equal(h.chain.endorsementTarget(h.entry('C').id)?.prevOnBestChain, true);
  const onX = mineKeyBlock({
    prev: h.entry('X').id,
    height: 3n,
    time: h.entry('X').epochKey.block.header.time + 60,
  });
  t.throws(
    () => h.add('X2', { kind: 'key', block: onX }),
    { code: 'bad-prev' },
    'nothing builds on a candidate',
  );
  t.equal(h.tipName(), 'B1', 'the endorsed branch keeps the tip');
});

test('fallback: a candidate 1,300 s after its parent epoch activates without endorsements and unbonds idle validators', async (t) => {
  const h = openPoaHarness(t);
  staked(h);
  h.key('B', 'a1');
  addActivation(h, 'B0', 'B', [0, 1, 2]);
  h.micro('B1', 'B0');
  const b = h.entry('B').epochKey.block.header;
  // ≥ ACTIVATION_FALLBACK (600 s) after B, and past FALLBACK_IDLE_TIME (1,200 s) since the faucet endorsed B.
  const fallback = mineKeyBlock({
    prev: h.entry('B1').id,
    height: 3n,
    time: b.time + 1300,
    body: { payout: new Uint8Array(20).fill(0xfb) },
  });
  t.equal(h.add('F', { kind: 'key', block: fallback }), 'connected');
  const state = h.chain.state();
  t.equal(state.epoch(3n)?.activation, 2, 'fallback-activated');
  t.equal(state.bond(FAUCET_ACCOUNT, ROLE_VALIDATOR), undefined, 'the idle validator’s bond is gone');
  t.equal(
    [...state.range(Uint8Array.of(0x05), Uint8Array.of(0x06))].length,
    1,
    'to unbonding, released at h + UNBONDING_PERIOD',
  );
  t.equal(h.key('G', 'F'), 'connected', 'with T back at 0, the next key block bootstraps');
  t.equal(h.chain.state().epoch(4n)?.activation, 1);
});
