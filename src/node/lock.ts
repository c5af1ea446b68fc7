// One node per data directory: a lock file holding the owner's pid, created
// exclusively. A lock left by a process that no longer runs (a crash, a
// SIGKILL) is taken over, so a killed node always restarts.
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../util/errors.js';

export const LOCK_FILE = 'LOCK';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data directory's lock; the returned function releases it. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new InvalidArgumentError(
          'datadir-locked',
          `another node (pid ${owner}) is using ${dir}: stop it first, or pass a different --datadir`,
        );
      }
      unlinkSync(path); // stale: its owner is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return () => {
      try {
        if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
      } catch {
        // already gone: nothing to release
      }
    };
  }
  throw new InvalidArgumentError('datadir-locked', `could not lock ${dir}: another node is starting there`);
}
