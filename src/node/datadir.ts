// The data directory is checked before anything is written to it, then made
// one level at a time. Node's recursive mkdir answers ENOENT by making the
// parent and trying again, so where a level fails with ENOENT although its
// parent exists (/proc/x) it never returns, and the synchronous one never lets
// SIGTERM in; one mkdir per level fails at once instead.
import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from '../util/errors.js';

/** What the node refuses to run in; every message names --datadir and what to pass instead. */
export type DataDirCode = 'bad-datadir' | 'datadir-not-writable';

/** Errno codes meaning "not allowed here", as opposed to "no such thing can be here". */
const REFUSED = new Set(['EACCES', 'EPERM', 'EROFS']);

function errnoOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: an ancestor is a file; the walk up finds and names it.
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * Makes `dir` (mode 0700) if it is missing, after checking that its first
 * existing ancestor is a directory this process may write; an existing `dir`
 * must be a writable directory. Throws an InvalidArgumentError otherwise.
 */
export function prepareDataDir(dir: string): void {
  if (dir === '') {
    throw new InvalidArgumentError(
      'bad-datadir',
      '--datadir is empty: pass a directory, or leave the flag out for the default',
    );
  }
  const refused = (path: string, error: unknown): InvalidArgumentError =>
    new InvalidArgumentError(
      'datadir-not-writable',
      `--datadir ${dir}: cannot write to ${path} (${errnoOf(error) ?? String(error)}): pass a --datadir you own, or make it writable`,
    );
  const failed = (path: string, error: unknown): InvalidArgumentError =>
    REFUSED.has(errnoOf(error) ?? '')
      ? refused(path, error)
      : new InvalidArgumentError(
          'bad-datadir',
          `--datadir ${dir}: no directory can be made at ${path} (${errnoOf(error) ?? String(error)}): pass a path on an ordinary file system`,
        );

  const missing: string[] = [];
  let existing = resolve(dir);
  let stats: Stats | undefined;
  for (;;) {
    try {
      stats = statOf(existing);
    } catch (error) {
      throw failed(existing, error);
    }
    if (stats !== undefined) break;
    const parent = dirname(existing);
    if (parent === existing) {
      throw new InvalidArgumentError(
        'bad-datadir',
        `--datadir ${dir}: ${existing} does not exist: pass a path on a mounted drive`,
      );
    }
    missing.unshift(existing);
    existing = parent;
  }
  if (!stats.isDirectory()) {
    throw new InvalidArgumentError(
      'bad-datadir',
      missing.length === 0
        ? `--datadir ${dir} is a file, not a directory: pass a directory (it is made if missing)`
        : `--datadir ${dir} is under ${existing}, which is a file: pass a path under a directory`,
    );
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw refused(existing, error);
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      // Made meanwhile by someone else: fine if it is a directory.
      if (errnoOf(error) === 'EEXIST' && statOf(path)?.isDirectory() === true) continue;
      throw failed(path, error);
    }
  }
}
