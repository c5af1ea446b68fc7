import { test } from 'tap';
import { Storage } from '../../src/storage/db.js';
import { tempDir } from '../helpers/temp-dir.js';

const b = (...values: number[]): Uint8Array => Uint8Array.from(values);

test('commit writes everything or nothing: a throw inside the transaction leaves the data as it was', async (t) => {
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  storage.commit((tables) => {
    tables.state.put(b(1), b(10));
  });
  t.throws(() =>
    storage.commit((tables) => {
      tables.state.put(b(1), b(11));
      tables.state.put(b(2), b(20));
      throw new Error('injected fault between two writes');
    }),
  );
  t.same(storage.read.state.get(b(1)), b(10), 'the first write of the failed commit is gone');
  t.equal(storage.read.state.get(b(2)), undefined, 'and so is the second');
});

test('range reads keys in byte order within [start, end)', async (t) => {
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  storage.commit((tables) => {
    for (const k of [b(2, 0), b(1, 255), b(1), b(3), b(2)]) tables.state.put(k, b(k.length));
  });
  const keys = [...storage.read.state.range(b(1, 255), b(3))].map((e) => Buffer.from(e.key).toString('hex'));
  t.same(keys, ['01ff', '02', '0200']);
});

test('data survives reopening; a schema version from elsewhere is refused with what to do', async (t) => {
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const first = Storage.open(dir);
  first.commit((tables) => {
    tables.state.put(b(9), b(9, 9));
  });
  await first.flushed();
  await first.close();
  const second = Storage.open(dir);
  t.same(second.read.state.get(b(9)), b(9, 9));
  second.commit((tables) => {
    tables.meta.put(new TextEncoder().encode('version'), b(99, 0, 0, 0));
  });
  await second.close();
  t.throws(() => Storage.open(dir), /schema 99.*resync into a new data directory/);
});
