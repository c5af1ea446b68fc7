import fc from 'fast-check';
import { test } from 'tap';
import {
  baseSubsidy,
  cumulativeBase,
  genesisAllocation,
  scheduledSubsidy,
  splitLeaderFees,
  splitSubsidy,
} from '../../src/consensus/rewards.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { MAINNET, NETWORKS, REGTEST } from '../../src/protocol/params.js';

test('the schedule halves every HALVING_INTERVAL and ends after 64 halvings', async (t) => {
  t.equal(baseSubsidy(0n, MAINNET), 0n, 'genesis has no subsidy');
  t.equal(baseSubsidy(1n, MAINNET), parseAlto('12.5'));
  t.equal(baseSubsidy(1_000_000n, MAINNET), parseAlto('12.5'));
  t.equal(baseSubsidy(1_000_001n, MAINNET), parseAlto('6.25'));
  t.equal(baseSubsidy(64_000_001n, MAINNET), 0n);
});

test("mainnet's schedule sums to 24,999,999.999999999974 ALTO, under the 25,000,000 cap", async (t) => {
  const total = cumulativeBase(70_000_000n, MAINNET);
  t.equal(total, parseAlto('24999999.999999999974'));
  t.ok(total < MAINNET.cap);
});

test('supply: allocation plus scheduled subsidy never passes the cap on any network (property)', async (t) => {
  for (const params of Object.values(NETWORKS)) {
    const g = genesisAllocation(params);
    t.doesNotThrow(() => {
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: BigInt(params.halvingInterval) * 70n }), (h) => {
          // Σ_{1≤j≤h} sched(j): sched is base until the cap binds, then the rest, then 0.
          const minted =
            g +
            (cumulativeBase(h + 1n, params) < params.cap - g
              ? cumulativeBase(h + 1n, params)
              : params.cap - g);
          const sched = scheduledSubsidy(h, params);
          return minted <= params.cap && sched >= 0n && sched <= baseSubsidy(h, params);
        }),
        { numRuns: 1000 },
      );
    }, params.name);
  }
});

test("regtest's schedule, minted block by block to the end, stops exactly at the cap", async (t) => {
  let minted = genesisAllocation(REGTEST);
  for (let h = 1n; h <= BigInt(REGTEST.halvingInterval) * 70n; h++) minted += scheduledSubsidy(h, REGTEST);
  t.ok(minted <= REGTEST.cap, `${minted} ≤ cap`);
  t.equal(
    minted,
    genesisAllocation(REGTEST) + cumulativeBase(BigInt(REGTEST.halvingInterval) * 70n + 1n, REGTEST),
  );
});

test('the split of 12.5 ALTO is 1.875 / 1.875 / 2.5 / 1.25 / miner 3 / infrastructure pool 2 (§6.3)', async (t) => {
  const split = splitSubsidy(parseAlto('12.5'));
  t.same(split, {
    apps: parseAlto('1.875'),
    validators: parseAlto('1.875'),
    musicians: parseAlto('2.5'),
    listeners: parseAlto('1.25'),
    miner: parseAlto('3'),
    infrastructure: parseAlto('2'),
  });
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: parseAlto('12.5') }), (s) => {
        const p = splitSubsidy(s);
        return p.apps + p.validators + p.musicians + p.listeners + p.miner + p.infrastructure === s;
      }),
      { numRuns: 1000 },
    );
  });
});

test('leader fees split 40/60 and lose nothing', async (t) => {
  t.same(splitLeaderFees(1000n), { leader: 400n, next: 600n });
  t.same(splitLeaderFees(7n), { leader: 2n, next: 5n });
});
