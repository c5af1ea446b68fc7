// Step 2b of KeyConnect (§8.3): scheduled changes apply at exactly their
// height, in ascending param_id, each judged against the values in force at
// that moment (those applied earlier in the same step included); a change that
// breaks a bound is skipped with status 5 and changes nothing; the 0x14 entry
// goes either way; the block's undo record restores everything exactly. And
// the capture bound as a property: no sequence of scheduled changes leaves a
// value outside its bounds or the match rates above 500 bp.
import fc from 'fast-check';
import { test, type Test } from 'tap';
import {
  GOVERNED_PARAMS,
  MATCH_RATE_SUM_MAX_BP,
  PARAM_MATCH_APPS,
  PARAM_MATCH_LISTENERS,
  PARAM_MATCH_MUSICIANS,
  PARAM_MIN_MICROBLOCK_INTERVAL,
  PARAM_MIN_STAKE_APP,
  checkParamChange,
  governedParam,
  paramInForce,
} from '../../src/consensus/governed-params.js';
import { RuleError } from '../../src/protocol/errors.js';
import { MAINNET, REGTEST, TESTNET } from '../../src/protocol/params.js';
import { stateDigest } from '../../src/state/digest.js';
import {
  PROPOSAL_APPLIED,
  PROPOSAL_PASSED,
  PROPOSAL_SKIPPED,
  scheduledRange,
  type Proposal,
} from '../../src/state/governance-entries.js';
import { applyScheduledChanges, paramAfterKeyConnect } from '../../src/state/param-changes.js';
import { applyUndo } from '../../src/state/undo.js';
import { OverlayState } from '../../src/state/view.js';
import type { Storage } from '../../src/storage/db.js';
import { genesisStorage } from '../helpers/genesis-storage.js';

const params = REGTEST;
const fresh = (t: Test): Storage =>
  genesisStorage((fn) => {
    t.teardown(fn);
  });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const proposalIdOf = (n: number): Uint8Array => {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(28, n);
  return id;
};

function passed(paramId: number, value: bigint): Proposal {
  return {
    proposer: new Uint8Array(20).fill(7),
    kind: 1,
    text: 'change',
    paramId,
    value,
    deposit: params.governance.proposalDeposit,
    end: 1n,
    status: PROPOSAL_PASSED,
    yes: 10n,
    no: 0n,
    abstain: 0n,
  };
}

/** What a tally would have left: the passed proposal (0x0D) and its scheduled change (0x14). */
function schedule(view: OverlayState, at: bigint, paramId: number, value: bigint, n: number): Uint8Array {
  const id = proposalIdOf(n);
  view.setProposal(id, passed(paramId, value));
  view.setScheduled(at, paramId, { proposalId: id, value });
  return id;
}

/** Runs `fn` on an overlay of the committed state and commits it; the overlay is returned (its undo too). */
function commit(storage: Storage, fn: (view: OverlayState) => void): OverlayState {
  const view = new OverlayState(storage.read.state);
  fn(view);
  storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  return view;
}

const inForce = (storage: Storage, id: number): bigint =>
  paramInForce(new OverlayState(storage.read.state), id, params);
const statusOf = (storage: Storage, id: Uint8Array): number | undefined =>
  new OverlayState(storage.read.state).proposal(id)?.status;
const scheduledAt = (storage: Storage, at: bigint): number =>
  new OverlayState(storage.read.state).range(scheduledRange(at).start, scheduledRange(at).end).length;

test('tallies at c never schedule for c: PARAM_CHANGE_DELAY ≥ 1 on every network', (t) => {
  // paramAfterKeyConnect (M_{h,0}'s tentative interval) relies on it: end ≤ c − 1, so apply ≥ c + 1.
  for (const network of [MAINNET, TESTNET, REGTEST]) {
    t.ok(network.governance.paramChangeDelay >= 1, `${network.name}: ${network.governance.paramChangeDelay}`);
  }
  t.end();
});

test('a change applies at exactly its height: 0x13 set, status 4, the 0x14 entry gone', (t) => {
  const storage = fresh(t);
  let id: Uint8Array = new Uint8Array();
  commit(storage, (view) => {
    id = schedule(view, 5n, PARAM_MIN_MICROBLOCK_INTERVAL, 3000n, 1);
  });
  for (const c of [3n, 4n]) {
    const outcomes = commit(storage, (view) => applyScheduledChanges(view, c, params));
    t.equal(outcomes.undoEntries().length, 0, `KeyConnect(${c}) writes nothing`);
    t.equal(inForce(storage, PARAM_MIN_MICROBLOCK_INTERVAL), 0n, `before ${c + 1n}: §12's value`);
  }
  const tentative = paramAfterKeyConnect(
    new OverlayState(storage.read.state),
    PARAM_MIN_MICROBLOCK_INTERVAL,
    5n,
    params,
  );
  t.equal(tentative, 3000n, 'the value after KeyConnect(5), computed without writing');
  t.equal(scheduledAt(storage, 5n), 1, 'the tentative computation wrote nothing');
  let result: ReturnType<typeof applyScheduledChanges> = [];
  commit(storage, (view) => {
    result = applyScheduledChanges(view, 5n, params);
  });
  t.same(
    result.map((o) => [o.paramId, o.value, o.applied]),
    [[PARAM_MIN_MICROBLOCK_INTERVAL, 3000n, true]],
  );
  t.equal(inForce(storage, PARAM_MIN_MICROBLOCK_INTERVAL), 3000n);
  t.equal(statusOf(storage, id), PROPOSAL_APPLIED);
  t.equal(scheduledAt(storage, 5n), 0);
  t.end();
});

test('two changes at one height apply in param_id order, the second judged against the first', (t) => {
  // 9 at 0 and 11 at 100, so 8 = 400 fills the 500 bp exactly.
  const cases: {
    name: string;
    changes: [number, bigint][];
    applied: boolean[];
    after: [bigint, bigint, bigint];
  }[] = [
    {
      name: '8 → 400 then 9 → 150: the second would make 650',
      changes: [
        [PARAM_MATCH_MUSICIANS, 400n],
        [PARAM_MATCH_LISTENERS, 150n],
      ],
      applied: [true, false],
      after: [400n, 0n, 100n],
    },
    {
      name: '8 → 400 then 9 → 100: fits the old 300 (500) but not the new 400 (600)',
      changes: [
        [PARAM_MATCH_MUSICIANS, 400n],
        [PARAM_MATCH_LISTENERS, 100n],
      ],
      applied: [true, false],
      after: [400n, 0n, 100n],
    },
    {
      name: '8 → 200 then 9 → 200: breaks the old 300 (600) but fits the new 200 (500)',
      changes: [
        [PARAM_MATCH_MUSICIANS, 200n],
        [PARAM_MATCH_LISTENERS, 200n],
      ],
      applied: [true, true],
      after: [200n, 200n, 100n],
    },
    {
      name: '11 → 0 scheduled before 9 → 200: 9 still goes first, against 11 at 100 (600)',
      changes: [
        [PARAM_MATCH_APPS, 0n],
        [PARAM_MATCH_LISTENERS, 200n],
      ],
      applied: [false, true],
      after: [300n, 0n, 0n],
    },
  ];
  for (const { name, changes, applied, after } of cases) {
    const storage = fresh(t);
    commit(storage, (view) => {
      view.setParam(PARAM_MATCH_LISTENERS, 0n);
      view.setParam(PARAM_MATCH_APPS, 100n);
    });
    const ids = changes.map(([paramId, value], i) => {
      let id: Uint8Array = new Uint8Array();
      commit(storage, (view) => {
        id = schedule(view, 7n, paramId, value, i + 1);
      });
      return { paramId, id };
    });
    commit(storage, (view) => applyScheduledChanges(view, 7n, params));
    // Outcomes in param_id order, whatever the order they were scheduled in.
    const byParam = [...ids].sort((a, b) => a.paramId - b.paramId);
    t.same(
      byParam.map(({ id }) => statusOf(storage, id)),
      applied.map((a) => (a ? PROPOSAL_APPLIED : PROPOSAL_SKIPPED)),
      name,
    );
    t.same(
      [PARAM_MATCH_MUSICIANS, PARAM_MATCH_LISTENERS, PARAM_MATCH_APPS].map((id) => inForce(storage, id)),
      after,
      `${name}: the rates in force`,
    );
    t.equal(scheduledAt(storage, 7n), 0, `${name}: both 0x14 entries removed`);
  }
  t.end();
});

test('out of bounds at apply time, or not whitelisted: status 5 and nothing else changes', (t) => {
  const storage = fresh(t);
  const cases: [number, bigint][] = [
    [PARAM_MIN_STAKE_APP, 0n], // below 1 ALTO
    [PARAM_MIN_MICROBLOCK_INTERVAL, 60_001n],
    [PARAM_MATCH_MUSICIANS, 501n],
    [PARAM_MATCH_MUSICIANS + 50, 1n], // not in the whitelist: a 0x14 entry a tally never writes
  ];
  const ids: Uint8Array[] = [];
  commit(storage, (view) => {
    cases.forEach(([paramId, value], i) => ids.push(schedule(view, 4n, paramId, value, i + 1)));
  });
  const values = (): bigint[] => GOVERNED_PARAMS.map((p) => inForce(storage, p.id));
  const before = values();
  const view = commit(storage, (v) => applyScheduledChanges(v, 4n, params));
  t.same(values(), before, 'every value in force is unchanged');
  t.same(
    ids.map((id) => statusOf(storage, id)),
    cases.map(() => PROPOSAL_SKIPPED),
  );
  t.equal(scheduledAt(storage, 4n), 0);
  t.notOk(
    view.undoEntries().some((e) => e.key[0] === 0x13),
    'no 0x13 entry was written',
  );
  t.end();
});

test('the undo record restores the values, the statuses and the schedule byte for byte', (t) => {
  const storage = fresh(t);
  commit(storage, (view) => {
    schedule(view, 6n, PARAM_MIN_MICROBLOCK_INTERVAL, 5000n, 1);
    schedule(view, 6n, PARAM_MATCH_APPS, 900n, 2);
    schedule(view, 7n, PARAM_MIN_STAKE_APP, 2n * 10n ** 18n, 3);
  });
  const before = hex(stateDigest(storage.read.state));
  const view = commit(storage, (v) => applyScheduledChanges(v, 6n, params));
  t.not(hex(stateDigest(storage.read.state)), before);
  storage.commit((tables) => {
    applyUndo(tables.state, view.undoEntries());
  });
  t.equal(hex(stateDigest(storage.read.state)), before, 'the digest before KeyConnect(6)');
  t.equal(scheduledAt(storage, 6n), 2);
  t.equal(inForce(storage, PARAM_MIN_MICROBLOCK_INTERVAL), 0n);
  t.end();
});

test('checkParamChange rejects exactly what is outside its own bounds (property)', (t) => {
  const ids = fc.oneof(
    fc.constantFrom(...GOVERNED_PARAMS.map((p) => p.id)),
    fc.integer({ min: 0, max: 0xffff }),
  );
  fc.assert(
    fc.property(ids, fc.bigInt({ min: 0n, max: 1n << 128n }), (id, raw) => {
      const param = governedParam(id);
      // Values near the bounds as often as far from them.
      const bounds = param?.bounds(params);
      const value = bounds !== undefined && raw % 2n === 0n ? bounds.min - 2n + (raw % 5n) : raw;
      if (value < 0n) return;
      let code: string | undefined;
      try {
        checkParamChange(id, value, params);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        code = error.code;
      }
      const expected =
        bounds === undefined
          ? 'param-not-allowed'
          : value < bounds.min || value > bounds.max
            ? 'param-out-of-range'
            : undefined;
      if (code !== expected) throw new Error(`id ${id} value ${value}: ${code} ≠ ${expected}`);
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random ids and values');
  t.end();
});

test('capture bound: no sequence of scheduled changes leaves a value out of bounds or the rates above 500 bp', (t) => {
  const storage = fresh(t);
  // Ids of the whitelist (the match rates most often) and a few outside it; values in, around and far
  // beyond each one's bounds.
  const change = fc.record({
    id: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(PARAM_MATCH_MUSICIANS, PARAM_MATCH_LISTENERS, PARAM_MATCH_APPS),
      },
      { weight: 2, arbitrary: fc.constantFrom(...GOVERNED_PARAMS.map((p) => p.id)) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
    ),
    pick: fc.nat({ max: 3 }),
    raw: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  });
  const valueOf = ({ id, pick, raw }: { id: number; pick: number; raw: bigint }): bigint => {
    const bounds = governedParam(id)?.bounds(params);
    if (bounds === undefined || pick === 3) return raw;
    const span = bounds.max - bounds.min + 1n;
    if (pick === 0) return bounds.min + (raw % span);
    if (pick === 1) return bounds.max + (raw % 3n); // max, max + 1, max + 2
    return bounds.min === 0n ? raw % 3n : bounds.min - 1n + (raw % 3n);
  };
  // Each step: the changes scheduled for one height, at most one per param id (the 0x14 key).
  const steps = fc.array(fc.array(change, { maxLength: 6 }), { minLength: 1, maxLength: 8 });
  let runs = 0;
  let applied = 0;
  let skipped = 0;
  fc.assert(
    fc.property(steps, (heights) => {
      runs++;
      // Every run starts from genesis: roll the previous run back by its undo records.
      const undo: OverlayState[] = [];
      let n = 0;
      heights.forEach((changes, i) => {
        const c = BigInt(i + 1);
        undo.push(
          commit(storage, (view) => {
            for (const ch of changes) schedule(view, c, ch.id, valueOf(ch), ++n);
          }),
        );
        undo.push(
          commit(storage, (view) => {
            for (const o of applyScheduledChanges(view, c, params)) {
              if (o.applied) applied++;
              else skipped++;
            }
          }),
        );
        const read = new OverlayState(storage.read.state);
        for (const p of GOVERNED_PARAMS) {
          const value = paramInForce(read, p.id, params);
          const { min, max } = p.bounds(params);
          if (value < min || value > max) throw new Error(`${p.name} = ${value} after height ${c}`);
        }
        const sum =
          paramInForce(read, PARAM_MATCH_MUSICIANS, params) +
          paramInForce(read, PARAM_MATCH_LISTENERS, params) +
          paramInForce(read, PARAM_MATCH_APPS, params);
        if (sum > MATCH_RATE_SUM_MAX_BP) throw new Error(`match rates sum to ${sum} after height ${c}`);
        if (scheduledAt(storage, c) !== 0) throw new Error(`0x14 entries left at ${c}`);
      });
      storage.commit((tables) => {
        for (const view of undo.reverse()) applyUndo(tables.state, view.undoEntries());
      });
    }),
    { numRuns: 200 },
  );
  t.ok(applied > 0 && skipped > 0, `${runs} sequences: ${applied} changes applied, ${skipped} skipped`);
  t.end();
});
