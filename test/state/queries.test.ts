import fc from 'fast-check';
import { test } from 'tap';
import { genesisAllocation, scheduledSubsidy } from '../../src/consensus/rewards.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { MAINNET, REGTEST, TESTNET, type NetworkParams } from '../../src/protocol/params.js';
import { addPending } from '../../src/state/key-connect.js';
import { pendingTotals, scheduledSupply, subsidySchedule } from '../../src/state/queries.js';
import { OverlayState } from '../../src/state/view.js';
import { genesisStorage } from '../helpers/genesis-storage.js';

const ALICE = new Uint8Array(20).fill(0xa1);
const BOB = new Uint8Array(20).fill(0xb0);

test('pending totals: every 0x0F entry counts once, split by its mint flag (§3.10: kinds 2, 3, 10, 12 transfer)', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const view = new OverlayState(storage.read.state);
  t.same(
    pendingTotals(view),
    { mint: 0n, transfer: 0n },
    'genesis has none: the allocation is credited at once',
  );
  const amounts: [Uint8Array, bigint, number, bigint][] = [
    [ALICE, 1n, 1, 3n],
    [ALICE, 1n, 1, 4n], // the same key adds up (§3.10)
    [BOB, 2n, 4, 5n],
    [ALICE, 2n, 11, 7n],
    [BOB, 1n, 2, 11n],
    [ALICE, 3n, 3, 13n],
    [BOB, 3n, 10, 17n],
    [ALICE, 4n, 12, 19n],
  ];
  for (const [account, source, kind, amount] of amounts)
    addPending(view, REGTEST, account, source, kind, amount);
  t.same(pendingTotals(view), { mint: 3n + 4n + 5n + 7n, transfer: 11n + 13n + 17n + 19n });
});

test('scheduledSupply: G + Σ sched(j) for j ≤ h equals the block-by-block sum (small networks, property)', async (t) => {
  const network = fc
    .record({
      interval: fc.integer({ min: 1, max: 6 }),
      base: fc.bigInt({ min: 1n, max: 1n << 70n }),
      allocation: fc.bigInt({ min: 0n, max: 1n << 72n }),
      capOver: fc.bigInt({ min: -(1n << 71n), max: 1n << 72n }),
    })
    .map(({ interval, base, allocation, capOver }): NetworkParams => {
      const cap = allocation + capOver > 0n ? allocation + capOver : 0n;
      return {
        ...REGTEST,
        halvingInterval: interval,
        baseSubsidy: base,
        cap,
        genesis: { ...REGTEST.genesis, allocations: [{ account: '00'.repeat(20), amount: allocation }] },
      };
    });
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(network, (params) => {
        let sum = genesisAllocation(params);
        const last = BigInt(params.halvingInterval) * 64n + 2n;
        for (let h = 1n; h <= last; h++) {
          sum += scheduledSubsidy(h, params);
          if (scheduledSupply(h, params) !== sum) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

test('subsidySchedule on regtest: base, clamped next and the next halving around the first halving (§6.2)', async (t) => {
  const at = (tip: bigint) => subsidySchedule(tip, REGTEST);
  t.match(at(0n), { height: 1n, base: parseAlto('12.5'), next: parseAlto('12.5'), nextHalvingHeight: 151n });
  t.match(at(149n), { height: 150n, base: parseAlto('12.5'), nextHalvingHeight: 151n });
  t.match(at(150n), {
    height: 151n,
    base: parseAlto('6.25'),
    next: parseAlto('6.25'),
    nextHalvingHeight: 151n,
  });
  t.match(at(151n), { height: 152n, base: parseAlto('6.25'), nextHalvingHeight: 301n });
  // The 64th halving, at 1 + 64·150 = 9,601, takes base from BASE >> 63 = 1 base unit to 0.
  t.match(at(9599n), { height: 9600n, base: 1n, nextHalvingHeight: 9601n });
  t.match(at(9600n), { height: 9601n, base: 0n, next: 0n, nextHalvingHeight: null });
  t.equal(at(0n).scheduledTotal, at(9600n).scheduledTotal, 'the total does not depend on the tip');
});

test('subsidySchedule: scheduledTotal is G + Σ base while it fits, CAP when the clamp binds, G when G ≥ CAP', async (t) => {
  // §6.2: mainnet's Σ base is 24,999,999.999999999974 ALTO, under the cap, and it has no allocation.
  t.equal(subsidySchedule(0n, MAINNET).scheduledTotal, parseAlto('24999999.999999999974'));
  t.equal(subsidySchedule(0n, TESTNET).scheduledTotal, parseAlto('25000000'), 'testnet: G + Σ base > CAP');
  const small = { ...REGTEST, cap: parseAlto('1000030') }; // room for 2.4 blocks of 12.5 ALTO
  t.match(subsidySchedule(2n, small), { base: parseAlto('12.5'), next: parseAlto('5') });
  t.match(subsidySchedule(3n, small), { base: parseAlto('12.5'), next: 0n, scheduledTotal: small.cap });
  const over = { ...REGTEST, cap: parseAlto('999999') };
  t.match(subsidySchedule(0n, over), { next: 0n, allocation: parseAlto('1000000') });
  t.equal(subsidySchedule(0n, over).scheduledTotal, parseAlto('1000000'), 'the allocation alone');
});
