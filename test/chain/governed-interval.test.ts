// §3.3 rule 4 under governance (§8.3): MIN_MICROBLOCK_INTERVAL raised to 5 s at
// apply height h (regtest starts it at 0) governs every microblock of epoch h —
// M_{h,0} included, computed tentatively while a candidate K_h waits for it —
// while a microblock of epoch h−1 is still judged by the old value, even once
// the tip is past h; a reorg across the apply height ends with the digest of a
// fresh chain that only saw the winning branch; and a state rebuilt below the
// apply height has the old value and the 0x14 entry back.
//
//   g ── k1 ── m1a ┬─ k2 (5 s from here) ── m2 ── m2b
//                  └─ m1b ── k2b ── k3b            (heavier: the reorg)
import { test, type Test } from 'tap';
import { PARAM_MIN_MICROBLOCK_INTERVAL } from '../../src/consensus/governed-params.js';
import type { AddResult } from '../../src/chain/chain.js';
import { PROPOSAL_APPLIED, scheduledRange } from '../../src/state/governance-entries.js';
import { buildMicroblock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { endorsedEpoch, faucetEndorsements, openPoaHarness } from '../helpers/poa.js';
import { scheduleChange } from '../helpers/scheduled-change.js';
import { signedTx } from '../helpers/txs.js';
import { ROLE_VALIDATOR } from '../../src/state/entries.js';

const RAISED = 5000n;
const PROPOSAL_ID = new Uint8Array(32).fill(0x44);

function scheduleRaise(h: ChainHarness, at: bigint): void {
  scheduleChange(h.storage, {
    proposalId: PROPOSAL_ID,
    paramId: PARAM_MIN_MICROBLOCK_INTERVAL,
    value: RAISED,
    applyHeight: at,
  });
}

function open(t: Test): ChainHarness {
  return ChainHarness.open((fn) => {
    t.teardown(fn);
  });
}

/** Microblock `name` on `parent`, `afterMs` after it, with `activation` for an M_{h,0} of a candidate. */
function microAfter(
  h: ChainHarness,
  name: string,
  parent: string,
  afterMs: bigint,
  activation?: Parameters<typeof buildMicroblock>[0]['activation'],
): AddResult {
  const p = h.entry(parent);
  return h.add(name, {
    kind: 'micro',
    block: buildMicroblock({
      keyBlockId: p.epochKey.id,
      prev: p.id,
      keyHeight: p.keyHeight,
      seq: p.kind === 'key' ? 0 : p.seq + 1,
      timeMs: p.timeMs + afterMs,
      ...(activation === undefined ? {} : { activation }),
    }),
  });
}

const tooSoon = (t: Test, fn: () => unknown, what: string): void => {
  t.throws(fn, { code: 'microblock-too-soon' }, what);
};

const inForce = (h: ChainHarness): bigint | undefined => h.chain.state().param(PARAM_MIN_MICROBLOCK_INTERVAL);
const scheduled = (h: ChainHarness): number => {
  const { start, end } = scheduledRange(2n);
  return h.chain.state().range(start, end).length;
};

test('a raised interval applied at h governs all of epoch h; epoch h−1 keeps the old one', (t) => {
  const h = open(t);
  scheduleRaise(h, 2n);
  h.key('k1', 'g');
  t.equal(microAfter(h, 'm1a', 'k1', 1000n), 'connected', 'epoch 1: 1 s is enough (interval 0)');
  t.equal(inForce(h), undefined, 'nothing applied before 2');
  t.equal(scheduled(h), 1);
  h.key('k2', 'm1a');
  t.equal(inForce(h), RAISED, 'applied at exactly 2');
  t.equal(scheduled(h), 0, 'the 0x14 entry is gone');
  t.equal(h.chain.state().proposal(PROPOSAL_ID)?.status, PROPOSAL_APPLIED);
  t.equal(h.chain.microblockIntervalInForce(h.entry('k1').epochKey), 0);
  t.equal(h.chain.microblockIntervalInForce(h.entry('k2').epochKey), Number(RAISED));

  tooSoon(t, () => microAfter(h, 'early0', 'k2', 1000n), 'seq 0 of epoch 2, 1 s after k2');
  tooSoon(t, () => microAfter(h, 'early0b', 'k2', RAISED - 1n), 'seq 0, 1 ms short');
  t.equal(microAfter(h, 'm2', 'k2', RAISED), 'connected', 'seq 0 at exactly 5 s');
  tooSoon(t, () => microAfter(h, 'early1', 'm2', RAISED - 1n), 'seq 1, 1 ms short');
  t.equal(microAfter(h, 'm2b', 'm2', RAISED), 'connected', 'seq 1 at exactly 5 s');

  // Epoch 1 again, on a side branch once the tip is in epoch 2: still the old value.
  t.equal(microAfter(h, 'm1b', 'm1a', 1000n), 'side', 'a microblock of epoch 1, 1 s after its parent');
  t.end();
});

test('epoch h−1 judged from a rebuilt state: the rolled-back read undoes the apply step exactly', (t) => {
  const h = open(t);
  scheduleRaise(h, 2n);
  h.key('k1', 'g');
  h.key('k2', 'k1');
  t.equal(inForce(h), RAISED);
  // Nothing asked for epoch 1's interval while it was the tip's: the chain rebuilds the state after
  // k1 (disconnecting k2 in a transaction it rolls back), which must have the value at 0 again.
  t.equal(microAfter(h, 'm1', 'k1', 1000n), 'side');
  t.equal(inForce(h), RAISED, 'the tip state is untouched');
  t.equal(scheduled(h), 0);
  t.end();
});

test('a reorg across the apply height ends with the digest of a chain that only saw the winner', (t) => {
  const h = open(t);
  scheduleRaise(h, 2n);
  h.key('k1', 'g');
  microAfter(h, 'm1a', 'k1', 1000n);
  h.key('k2', 'm1a');
  microAfter(h, 'm2', 'k2', RAISED);
  t.equal(microAfter(h, 'm1b', 'm1a', 1000n), 'side');
  t.equal(h.key('k2b', 'm1b'), 'side', 'equal work: the first seen stays');
  t.equal(h.key('k3b', 'k2b'), 'reorged');
  t.equal(inForce(h), RAISED, 'the winner applied it once at its own height 2');
  t.equal(scheduled(h), 0);
  tooSoon(t, () => microAfter(h, 'early3', 'k3b', 1000n), 'epoch 3 of the winner: 5 s');

  const fresh = open(t);
  scheduleRaise(fresh, 2n);
  fresh.replay(h, ['k1', 'm1a', 'm1b', 'k2b', 'k3b']);
  t.equal(fresh.tipName(), 'k3b');
  t.equal(h.digest(), fresh.digest(), 'the digest of a chain that only saw k1 m1a m1b k2b k3b');

  // And back: a reorg to the first branch, longer now, ends as a chain that only saw it.
  microAfter(h, 'm2c', 'm2', RAISED);
  h.key('k3', 'm2c');
  t.equal(h.key('k4', 'k3'), 'reorged');
  const again = open(t);
  scheduleRaise(again, 2n);
  again.replay(h, ['k1', 'm1a', 'k2', 'm2', 'm2c', 'k3', 'k4']);
  t.equal(h.digest(), again.digest(), 'the digest of a chain that only saw k1 m1a k2 m2 m2c k3 k4');
  t.end();
});

test('an endorsed epoch: M_{h,0} is judged by the value KeyConnect(K_h) will set, computed tentatively', (t) => {
  const h = openPoaHarness(t);
  scheduleRaise(h, 3n);
  h.key('a', 'g');
  h.micro('a1', 'a', [
    signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n ** 19n }, nonce: 0n }),
  ]);
  const two = endorsedEpoch(h, 'A', 2, 'a1');
  t.equal(h.key('A3', two, 0x41), 'candidate');
  t.equal(h.chain.microblockIntervalInForce(h.entry('A3').epochKey), Number(RAISED), 'tentative');
  t.equal(inForce(h), undefined, 'the tentative computation wrote nothing');
  const endorsements = faucetEndorsements(h, 'A3', [0, 1, 2]);
  tooSoon(t, () => microAfter(h, 'A3early', 'A3', 1000n, endorsements), 'M_{3,0} 1 s after K_3');
  t.equal(microAfter(h, 'A3m', 'A3', RAISED, endorsements), 'connected', 'M_{3,0} at 5 s activates A3');
  t.equal(inForce(h), RAISED);
  tooSoon(t, () => microAfter(h, 'A3early1', 'A3m', 1000n), 'seq 1, 1 s after M_{3,0}');
  t.equal(microAfter(h, 'A3t', 'A3m', RAISED), 'connected');
  t.equal(microAfter(h, 'A2late', two, 1000n), 'side', 'epoch 2: still the old value');
  t.end();
});

test('a rival M_{h,0} below the tip is judged from a rebuilt state whose 0x14 entry is back', (t) => {
  const h = openPoaHarness(t);
  scheduleRaise(h, 2n);
  h.key('a', 'g');
  h.micro('a1', 'a', [
    signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n ** 19n }, nonce: 0n }),
  ]);
  t.equal(h.key('A2', 'a1', 0x41), 'candidate');
  microAfter(h, 'A2m', 'A2', RAISED, faucetEndorsements(h, 'A2', [0, 1, 2]));
  t.equal(h.tipName(), 'A2m');
  t.equal(inForce(h), RAISED, 'applied on the tip branch');
  t.equal(scheduled(h), 0, 'and its 0x14 entry removed there');
  // B2 competes for height 2: its M_{2,0} is judged from the state after a1, rebuilt by disconnecting
  // A2m — which must bring the 0x14 entry back, or the tentative KeyConnect(2) would see no change.
  t.equal(h.key('B2', 'a1', 0x42), 'candidate');
  const endorsements = faucetEndorsements(h, 'B2', [0, 1, 2]);
  tooSoon(t, () => microAfter(h, 'B2early', 'B2', 1000n, endorsements), "B2's M_{2,0} 1 s after B2");
  t.equal(microAfter(h, 'B2m', 'B2', RAISED, endorsements), 'side', 'at 5 s: valid, equal work, side');
  t.equal(inForce(h), RAISED, 'the tip state is untouched');
  t.end();
});
