// OverlayState.intervalNeighbours (decision 176): a listener's counted
// interval with the greatest start ≤ a start, and the one with the least
// start after it, from the table and the block's own writes together — an
// interval the block pruned is skipped, another listener's never seen.
import fc from 'fast-check';
import { test } from 'tap';
import { OverlayState } from '../../src/state/view.js';
import { Storage } from '../../src/storage/db.js';
import { genesisStorage } from '../helpers/genesis-storage.js';
import { tempDir } from '../helpers/temp-dir.js';

const L = new Uint8Array(20).fill(0x0a);
const NEXT = new Uint8Array(20).fill(0x0b);
const PREV = new Uint8Array(20).fill(0x09);

test('intervalNeighbours: stored and written intervals, pruned ones skipped, other listeners ignored', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const stored = new OverlayState(storage.read.state);
  stored.setInterval(L, 100n, 1n, 160n);
  stored.setInterval(L, 300n, 2n, 360n);
  stored.setInterval(L, 500n, 4n, 530n);
  stored.setInterval(NEXT, 0n, 0n, 10n);
  stored.setInterval(PREV, 10_000n, 0n, 10_100n);
  storage.commit((tables) => {
    stored.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  const at = (start: bigint) => {
    const { before, after } = view.intervalNeighbours(L, start);
    return [before?.startS, after?.startS];
  };
  t.same(at(0n), [undefined, 100n], 'nothing before the first');
  t.same(at(100n), [100n, 300n], 'an interval starting at the start is before it');
  t.same(at(200n), [100n, 300n]);
  t.same(at(9_999n), [500n, undefined], "another listener's intervals are not this one's");
  view.setInterval(L, 200n, 3n, 230n); // this block's own
  view.setInterval(L, 100n, 1n, undefined); // pruned in this block
  t.same(at(250n), [200n, 300n]);
  t.same(at(150n), [undefined, 200n], 'the pruned one is skipped, the own one found');
  t.same(at(50n), [undefined, 200n]);
  view.setInterval(L, 300n, 2n, undefined);
  t.same(at(250n), [200n, 500n], 'a pruned stored interval after: the next stored one');
  t.same(view.intervalNeighbours(L, 210n).before, { startS: 200n, serial: 3n, end: 230n }, 'with its end');
});

test('intervalNeighbours: a stored interval at start_s 0, serial 0 is a neighbour like any other', async (t) => {
  // The lowest possible key of a listener: a read that starts from it, exclusive, would miss it.
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const stored = new OverlayState(storage.read.state);
  stored.setInterval(L, 0n, 0n, 40n);
  stored.setInterval(PREV, 0n, 0n, 1_000n);
  storage.commit((tables) => {
    stored.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  t.same(view.intervalNeighbours(L, 0n), { before: { startS: 0n, serial: 0n, end: 40n }, after: undefined });
  t.same(view.intervalNeighbours(L, 30n).before, { startS: 0n, serial: 0n, end: 40n });
  t.same(view.intervalNeighbours(NEXT, 30n), { before: undefined, after: undefined });
});

test('intervalNeighbours: stored intervals sharing a start are ordered by serial, pruned ones walked past', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const stored = new OverlayState(storage.read.state);
  for (const serial of [5n, 7n, 9n]) stored.setInterval(L, 100n, serial, 100n + serial);
  storage.commit((tables) => {
    stored.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  t.same(view.intervalNeighbours(L, 100n).before, { startS: 100n, serial: 9n, end: 109n });
  t.same(view.intervalNeighbours(L, 99n).after, { startS: 100n, serial: 5n, end: 105n });
  view.setInterval(L, 100n, 9n, undefined);
  view.setInterval(L, 100n, 5n, undefined);
  t.same(view.intervalNeighbours(L, 100n).before, { startS: 100n, serial: 7n, end: 107n });
  t.same(view.intervalNeighbours(L, 99n).after, { startS: 100n, serial: 7n, end: 107n });
  view.setInterval(L, 100n, 7n, undefined);
  t.same(view.intervalNeighbours(L, 100n), { before: undefined, after: undefined });
});

type Op = { readonly kind: 'ask' | 'add' | 'prune'; readonly start: number; readonly pick: number };

test('intervalNeighbours: any sequence of questions, additions and prunings answers as a scan of every interval would', async (t) => {
  // The overlay remembers the stored neighbours it read per listener (decision 196); the answers
  // must stay those of the whole set, whatever was asked before.
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  const op = fc.record({
    kind: fc.constantFrom<Op['kind']>('ask', 'ask', 'ask', 'add', 'prune'),
    start: fc.integer({ min: 0, max: 400 }),
    pick: fc.nat(),
  });
  const starts = fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 12 });
  let serial = 0n;
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(starts, fc.array(op, { maxLength: 40 }), (stored, ops) => {
        // Each case starts from an empty table: the previous case's intervals are pruned and committed.
        const clear = new OverlayState(storage.read.state);
        for (const { key } of clear.range(Uint8Array.of(0x0b), Uint8Array.of(0x0c)))
          clear.set(key, undefined);
        const model: { startS: bigint; serial: bigint; end: bigint }[] = [];
        for (const start of stored) {
          const interval = { startS: BigInt(start), serial: serial++, end: BigInt(start) + 5n };
          clear.setInterval(L, interval.startS, interval.serial, interval.end);
          clear.setInterval(NEXT, interval.startS, interval.serial, interval.end); // another listener
          model.push(interval);
        }
        storage.commit((tables) => {
          clear.writeTo(tables.state);
        });
        const view = new OverlayState(storage.read.state);
        for (const { kind, start, pick } of ops) {
          if (kind === 'add') {
            const interval = { startS: BigInt(start), serial: serial++, end: BigInt(start) + 3n };
            view.setInterval(L, interval.startS, interval.serial, interval.end);
            model.push(interval);
          } else if (kind === 'prune' && model.length > 0) {
            const [gone] = model.splice(pick % model.length, 1);
            view.setInterval(L, gone!.startS, gone!.serial, undefined);
          } else {
            const s = BigInt(start);
            const sorted = [...model].sort((a, b) =>
              a.startS !== b.startS ? (a.startS < b.startS ? -1 : 1) : a.serial < b.serial ? -1 : 1,
            );
            const before = sorted.filter((i) => i.startS <= s).at(-1);
            const after = sorted.find((i) => i.startS > s);
            const got = view.intervalNeighbours(L, s);
            if (
              JSON.stringify(got, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)) !==
              JSON.stringify({ before, after }, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))
            )
              return false;
          }
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });
});
