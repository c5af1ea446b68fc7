// One node per data directory, and one validator per key: a lock file holding
// the owner's pid, created exclusively. A lock left by a process that no longer runs (a crash, a
// SIGKILL) is taken over, so a killed node always restarts.
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  return lockFile(
    join(dir, LOCK_FILE),
    (owner) =>
      new InvalidArgumentError(
        'datadir-locked',
        `another node (pid ${owner}) is using ${dir}: stop it first, or pass a different --datadir`,
      ),
    () => new InvalidArgumentError('datadir-locked', `could not lock ${dir}: another node is starting there`),
  );
}

/**
 * Takes the lock of a validator key on this machine, whatever the data directory: two
 * processes never sign endorsements with one key (§5.3). The returned function releases it.
 */
export function lockValidatorKey(accountHex: string, address: string): () => void {
  const busy = (owner: number | null): InvalidArgumentError =>
    new InvalidArgumentError(
      'validator-locked',
      `another node${owner === null ? '' : ` (pid ${owner})`} is validating with ${address}: one key, one validator — stop it first`,
    );
  return lockFile(join(tmpdir(), `altostream-validator-${accountHex}.lock`), busy, () => busy(null));
}

function lockFile(path: string, held: (owner: number) => Error, contended: () => Error): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) throw held(owner);
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
  throw contended();
}
