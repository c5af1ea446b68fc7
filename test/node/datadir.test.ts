// prepareDataDir: the data dir is checked before it is made, so a path that
// cannot be a writable directory fails at once with a code, never in mkdir.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { prepareDataDir } from '../../src/node/datadir.js';
import { ownTempDir } from '../helpers/test-owner.js';

// Root writes where chmod forbids, so as root sysfs is the directory that refuses.
const ROOT = process.getuid?.() === 0;

test('a missing data dir is made, each missing level 0700; an existing one is taken as it is', async (t) => {
  const dir = join(ownTempDir(t), 'a', 'b');
  prepareDataDir(dir);
  t.equal(statSync(dir).mode & 0o777, 0o700);
  t.equal(statSync(join(dir, '..')).mode & 0o777, 0o700);
  t.doesNotThrow(() => {
    prepareDataDir(dir);
  }, 'again: nothing to make');
});

test('bad-datadir: empty, a file, or under a file', async (t) => {
  const file = join(ownTempDir(t), 'a-file');
  writeFileSync(file, 'not a directory\n');
  t.throws(
    () => {
      prepareDataDir('');
    },
    { code: 'bad-datadir', message: /--datadir is empty/ },
  );
  t.throws(
    () => {
      prepareDataDir(file);
    },
    { code: 'bad-datadir', message: /is a file, not a directory/ },
  );
  t.throws(
    () => {
      prepareDataDir(join(file, 'x', 'y'));
    },
    {
      code: 'bad-datadir',
      message: new RegExp(`is under ${file}, which is a file`),
    },
  );
});

test(
  'bad-datadir: under /proc, where mkdir fails with ENOENT below an existing directory, it fails at once',
  { skip: process.platform !== 'linux' && 'procfs is Linux only' },
  async (t) => {
    // Node's recursive mkdir never returns here; as non-root /proc is not writable at all.
    t.throws(
      () => {
        prepareDataDir('/proc/x/y');
      },
      {
        code: ROOT ? 'bad-datadir' : 'datadir-not-writable',
        message: ROOT ? /no directory can be made at \/proc\/x \(ENOENT\)/ : /cannot write to \/proc/,
      },
    );
  },
);

test(
  'datadir-not-writable: a directory this process may not write, existing or an ancestor of a missing one',
  { skip: ROOT && !statSync('/sys', { throwIfNoEntry: false }) && 'running as root without /sys' },
  async (t) => {
    if (ROOT) {
      t.throws(
        () => {
          prepareDataDir('/sys/altostream-test');
        },
        {
          code: 'datadir-not-writable',
          message: /cannot write to \/sys\/altostream-test/,
        },
      );
      return;
    }
    const locked = join(ownTempDir(t), 'locked');
    mkdirSync(locked, { mode: 0o500 });
    t.throws(
      () => {
        prepareDataDir(locked);
      },
      { code: 'datadir-not-writable' },
    );
    t.throws(
      () => {
        prepareDataDir(join(locked, 'node'));
      },
      {
        code: 'datadir-not-writable',
        message: new RegExp(`cannot write to ${locked} \\(EACCES\\)`),
      },
    );
  },
);
