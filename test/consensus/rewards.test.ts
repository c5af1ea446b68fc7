import fc from 'fast-check';
import { test, type Test } from 'tap';
import {
  baseSubsidy,
  cumulativeBase,
  genesisAllocation,
  scheduledSubsidy,
  splitLeaderFees,
  splitSubsidy,
} from '../../src/consensus/rewards.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { MAINNET, REGTEST, TESTNET, type NetworkParams } from '../../src/protocol/params.js';

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

/** A network like regtest with its own subsidy, cap and allocation: small enough to mint to the end. */
function network(spec: {
  interval?: number;
  base?: bigint;
  cap: bigint;
  allocation?: bigint;
}): NetworkParams {
  const allocation = spec.allocation ?? genesisAllocation(REGTEST);
  return {
    ...REGTEST,
    halvingInterval: spec.interval ?? REGTEST.halvingInterval,
    baseSubsidy: spec.base ?? REGTEST.baseSubsidy,
    cap: spec.cap,
    genesis: { ...REGTEST.genesis, allocations: [{ account: '00'.repeat(20), amount: allocation }] },
  };
}

/** sched(1), sched(2), … through two heights past the 64th halving, when every base is 0. */
function scheduleToTheEnd(params: NetworkParams): bigint[] {
  const last = BigInt(params.halvingInterval) * 64n + 2n;
  const out: bigint[] = [];
  for (let h = 1n; h <= last; h++) out.push(scheduledSubsidy(h, params));
  return out;
}

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

test('supply: allocation plus scheduled subsidy never passes the cap, and reaches it when Σ base would (property)', async (t) => {
  // Small halving intervals make the whole schedule short enough to mint block by block; caps are
  // drawn around G + Σ base so that the clamp binds in most runs but not all, G ≥ CAP included.
  const arbitrary = fc
    .record({
      interval: fc.integer({ min: 1, max: 8 }),
      base: fc.bigInt({ min: 1n, max: 1n << 80n }),
      allocation: fc.bigInt({ min: 0n, max: 1n << 84n }),
      capFraction: fc.integer({ min: 0, max: 2000 }),
    })
    .map(({ interval, base, allocation, capFraction }) => {
      const bases = BigInt(interval) * 2n * base; // ≥ Σ base over every era
      return network({
        interval,
        base,
        allocation,
        cap: (allocation * 3n) / 4n + (bases * BigInt(capFraction)) / 1000n,
      });
    });
  let bound = 0;
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(arbitrary, (params) => {
        const g = genesisAllocation(params);
        const sched = scheduleToTheEnd(params);
        const bases = sched.map((_, i) => baseSubsidy(BigInt(i + 1), params));
        const room = params.cap > g ? params.cap - g : 0n;
        if (sum(bases) > room) bound++;
        return (
          sched.every((s, i) => s >= 0n && s <= bases[i]!) &&
          g + sum(sched) <= (params.cap > g ? params.cap : g) &&
          // Nothing is left unminted below the cap that base would have paid.
          sum(sched) === (sum(bases) < room ? sum(bases) : room)
        );
      }),
      { numRuns: 500, seed: 11 },
    );
  });
  t.ok(bound > 100 && bound < 500, `the cap bound in ${bound} of 500 networks`);
});

test('supply: regtest never reaches the cap; minted block by block, G + Σ sched = G + Σ base', async (t) => {
  const sched = scheduleToTheEnd(REGTEST);
  t.ok(
    sched.every((s, i) => s === baseSubsidy(BigInt(i + 1), REGTEST)),
    'the clamp never binds',
  );
  // 150 heights an era times Σ_k floor(BASE / 2^k) = 24.999999999999999974 ALTO (§6.2's mainnet sum / 10^6).
  t.equal(genesisAllocation(REGTEST) + sum(sched), parseAlto('1003749.9999999999999961'));
});

test('supply: testnet reaches the cap exactly at height 4,720,000 and mints nothing after it', async (t) => {
  // G = 1,000,000 ALTO; four eras of 1,000,000 blocks pay 12.5M · (1 + 1/2 + 1/4 + 1/8) = 23,437,500 ALTO;
  // the remaining 562,500 ALTO take 720,000 blocks of 0.78125 ALTO in the fifth era.
  const h = 4_720_000n;
  t.equal(
    genesisAllocation(TESTNET) + cumulativeBase(h, TESTNET) + scheduledSubsidy(h, TESTNET),
    TESTNET.cap,
  );
  t.equal(scheduledSubsidy(h, TESTNET), parseAlto('0.78125'), 'the last full block');
  t.equal(scheduledSubsidy(h + 1n, TESTNET), 0n);
  t.equal(baseSubsidy(h + 1n, TESTNET), parseAlto('0.78125'), 'though base still pays');
  t.equal(scheduledSubsidy(5_000_001n, TESTNET), 0n, 'nor in later eras');
});

/** Runs the schedule to the end and checks it against sched = base before `binds`, `remainder` at it, 0 after. */
function clampCase(
  t: Test,
  params: NetworkParams,
  expected: { binds: number; remainder: bigint; total: bigint },
): void {
  const sched = scheduleToTheEnd(params);
  const g = genesisAllocation(params);
  t.equal(g + sum(sched), expected.total, 'G + Σ sched');
  const before = sched.slice(0, expected.binds - 1);
  t.ok(
    before.every((s, i) => s === baseSubsidy(BigInt(i + 1), params)),
    `heights before ${expected.binds} get base(h)`,
  );
  t.equal(sched[expected.binds - 1], expected.remainder, `height ${expected.binds} gets what is left`);
  t.ok(
    sched.slice(expected.binds).every((s) => s === 0n),
    `every height after ${expected.binds} gets 0`,
  );
}

test('cap clamp: a cap three blocks above the allocation is filled by three full blocks, then nothing', async (t) => {
  const params = network({ cap: genesisAllocation(REGTEST) + parseAlto('37.5') });
  clampCase(t, params, { binds: 3, remainder: parseAlto('12.5'), total: params.cap });
});

test('cap clamp: a cap falling mid-block gives that block the remainder (12.5 + 12.5 + 5)', async (t) => {
  const params = network({ cap: genesisAllocation(REGTEST) + parseAlto('30') });
  clampCase(t, params, { binds: 3, remainder: parseAlto('5'), total: params.cap });
});

test('cap clamp: a cap reached after the first halving gives 16 blocks of 6.25 and then 1 ALTO', async (t) => {
  // 150 blocks of 12.5 = 1,875 ALTO, then 101 ALTO = 16 × 6.25 + 1.
  const params = network({ cap: genesisAllocation(REGTEST) + parseAlto('1976') });
  clampCase(t, params, { binds: 167, remainder: parseAlto('1'), total: params.cap });
});

test('cap clamp: an allocation at or above the cap leaves no subsidy at all', async (t) => {
  const g = genesisAllocation(REGTEST);
  for (const cap of [g, g - 1n, 0n]) {
    const sched = scheduleToTheEnd(network({ cap }));
    t.ok(
      sched.every((s) => s === 0n),
      `cap = G − ${g - cap}: every height gets 0`,
    );
  }
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
