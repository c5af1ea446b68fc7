// OverlayState's bookkeeping: storage is read once per key (decision 196), yet
// the undo record holds storage's value of every key the block changed, reads
// see the block's own writes first, and range() merges the two in key byte order.
import { test } from 'tap';
import { OverlayState } from '../../src/state/view.js';
import { genesisStorage } from '../helpers/genesis-storage.js';

const hex = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : Buffer.from(b).toString('hex');

/** Keys under an unused prefix, with bytes across 0x00–0xff so char order must be byte order. */
const key = (...bytes: number[]): Uint8Array => Uint8Array.of(0xfe, ...bytes);

test('undo: a key read before its first write keeps storage’s value as its prior, once', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const seed = new OverlayState(storage.read.state);
  seed.set(key(1), Uint8Array.of(10));
  storage.commit((tables) => {
    seed.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  t.equal(hex(view.get(key(1))), '0a');
  t.equal(view.get(key(2)), undefined);
  view.set(key(1), Uint8Array.of(11));
  view.set(key(1), Uint8Array.of(12));
  view.set(key(2), Uint8Array.of(20));
  view.set(key(2), undefined);
  t.equal(hex(view.get(key(1))), '0c', 'reads see the latest write');
  t.equal(view.get(key(2)), undefined, 'and a delete');
  t.same(
    view.undoEntries().map((e) => [hex(e.key), hex(e.prior)]),
    [
      ['fe01', '0a'],
      ['fe02', undefined],
    ],
    'one entry per key, in first-write order, with the stored value or its absence',
  );
  storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  const after = new OverlayState(storage.read.state);
  t.equal(hex(after.get(key(1))), '0c');
  t.equal(after.get(key(2)), undefined);
});

test('a value read from storage is the reader’s own: changing it changes nothing stored', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const seed = new OverlayState(storage.read.state);
  seed.set(key(1), Uint8Array.of(1, 2, 3));
  storage.commit((tables) => {
    seed.writeTo(tables.state);
  });
  storage.read.state.get(key(1))!.fill(0);
  t.equal(hex(storage.read.state.get(key(1))), '010203');
  t.equal(hex(new OverlayState(storage.read.state).get(key(1))), '010203');
});

test('range: stored and written entries merge in key byte order, bytes ≥ 0x80 included', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const seed = new OverlayState(storage.read.state);
  for (const b of [0x00, 0x7f, 0x80, 0xff]) seed.set(key(b), Uint8Array.of(b));
  seed.set(key(0x80, 0x00), Uint8Array.of(1));
  storage.commit((tables) => {
    seed.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  view.set(key(0x81), Uint8Array.of(0x81));
  view.set(key(0x7f, 0xff), Uint8Array.of(2));
  view.set(key(0xff), undefined);
  view.set(key(0x01), Uint8Array.of(0x01));
  t.same(
    view.range(key(0x00), key(0xff)).map((e) => hex(e.key)),
    ['fe00', 'fe01', 'fe7f', 'fe7fff', 'fe80', 'fe8000', 'fe81'],
  );
  t.same(
    view.range(key(0x7f, 0x00), key(0x80, 0x01)).map((e) => hex(e.key)),
    ['fe7fff', 'fe80', 'fe8000'],
  );
});

test('identityRoles: the roles of the stored identity, or 0 without one', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const account = (b: number): Uint8Array => new Uint8Array(20).fill(b);
  const seed = new OverlayState(storage.read.state);
  for (const roles of [1, 2, 3]) {
    seed.setIdentity(account(roles), {
      roles,
      displayName: 'ü'.repeat(roles * 10),
      metadata: new Uint8Array(32).fill(roles),
      regHeight: 7n,
    });
  }
  storage.commit((tables) => {
    seed.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  for (const b of [0, 1, 2, 3]) {
    t.equal(view.identityRoles(account(b)), view.identity(account(b))?.roles ?? 0, `account ${b}`);
  }
  t.equal(view.identityRoles(account(2)), 2);
  t.equal(view.identityRoles(account(0)), 0);
});
