// Fork choice under Proof of Activity (PROTOCOL.md §3.4, §5.4): only
// activated key blocks carry chain work. Regtest PoW with mainnet's fallback
// timing (ACTIVATION_FALLBACK 6 h, FALLBACK_IDLE_TIME 2 days) and the 2 h
// future limit on key-block time (§3.5); the faucet is the only validator and
// endorses every honest key block. The clock stands 60 s after E24.
//
//   g ── a ── a1 ── E1 ── E1₀ ── E1₁ ── E2 ── … ── E24 ── E24₀ ── E24₁   honest: endorsed, 600 s apart
//              │   (the faucet stakes in a1)
//              ├── X                 raw PoW, never endorsed: a candidate, no work, nothing on it
//              ├── F1 ── ✗F2         fallback: F1 = a + 6 h is a side branch of one block;
//              │                     F2 = F1 + 6 h is past the clock's 2 h: refused
//              ╰── (from E20) ✗G1    a fallback from a recent epoch is past the 2 h as well
//
// So a branch of fallback blocks grows by at most one block per 6 h, and
// only from ≥ 4 h back, while the endorsed branch grows every few minutes.
import { test } from 'tap';
import { MAINNET } from '../../src/protocol/params.js';
import { ROLE_VALIDATOR } from '../../src/state/entries.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { addActivation, POA_PARAMS } from '../helpers/poa.js';
import { checkSupplyEachBlock } from '../helpers/supply.js';
import { signedTx } from '../helpers/txs.js';

const PARAMS = {
  ...POA_PARAMS,
  poa: { ...POA_PARAMS.poa, fallbackS: MAINNET.poa.fallbackS, fallbackIdleS: MAINNET.poa.fallbackIdleS },
};
const HONEST_EPOCHS = 24;
const SPACING_S = 600;

test('neither unendorsed raw PoW nor a branch of fallback blocks overtakes the endorsed chain', async (t) => {
  const clock = { ms: 0 };
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    PARAMS,
    { now: () => clock.ms },
  );
  checkSupplyEachBlock(t, h, PARAMS);
  const aTime = h.entry('g').epochKey.block.header.time + 60;
  // Every block is checked against the clock as it arrives: it stands just after the newest.
  clock.ms = (aTime + 60) * 1000;
  h.key('a', 'g');
  h.micro('a1', 'a', [signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n ** 19n } }, PARAMS)]);

  let parent = 'a1';
  for (let i = 1; i <= HONEST_EPOCHS; i++) {
    const p = h.entry(parent);
    const time = aTime + i * SPACING_S;
    clock.ms = (time + 60) * 1000;
    const block = mineKeyBlock({ prev: p.id, height: p.keyHeight + 1n, time });
    t.equal(h.add(`E${i}`, { kind: 'key', block }), 'candidate', `E${i} waits for its endorsements`);
    addActivation(h, `E${i}0`, `E${i}`, [0, 1, 2, 3, 4]);
    h.micro(`E${i}1`, `E${i}0`);
    parent = `E${i}1`;
  }
  const honestTip = h.chain.tip;
  t.equal(h.tipName(), `E${HONEST_EPOCHS}1`);

  // X: valid PoW on a1, never endorsed.
  t.equal(h.key('X', 'a1'), 'candidate', 'X waits');
  t.equal(h.entry('X').chainWork, h.entry('a1').chainWork, 'and adds no work');
  const onX = mineKeyBlock({ prev: h.entry('X').id, height: 3n, time: aTime + 120 });
  t.throws(() => h.add('X2', { kind: 'key', block: onX }), { code: 'bad-prev' }, 'nothing builds on X');

  // F1: 6 h after a, within 2 h of the clock: fallback-activated, but one block against 24.
  const f1 = mineKeyBlock({ prev: h.entry('a1').id, height: 2n, time: aTime + PARAMS.poa.fallbackS });
  t.equal(h.add('F1', { kind: 'key', block: f1 }), 'side', 'F1 is a side branch');
  t.equal(h.entry('F1').epochKey.activation, 2, 'fallback-activated');
  t.ok(h.entry('F1').chainWork < honestTip.chainWork, 'with less work');
  const f2 = mineKeyBlock({
    prev: h.entry('F1').id,
    height: 3n,
    time: f1.header.time + PARAMS.poa.fallbackS,
  });
  t.throws(
    () => h.add('F2', { kind: 'key', block: f2 }),
    { code: 'time-too-new' },
    'F2 must wait for the clock',
  );

  const e20 = h.entry('E201');
  const g1 = mineKeyBlock({
    prev: e20.id,
    height: e20.keyHeight + 1n,
    time: e20.epochKey.block.header.time + PARAMS.poa.fallbackS,
  });
  t.throws(
    () => h.add('G1', { kind: 'key', block: g1 }),
    { code: 'time-too-new' },
    'so must a fallback off E20',
  );
  t.equal(h.chain.tip, honestTip, 'the endorsed branch keeps the tip');
});
