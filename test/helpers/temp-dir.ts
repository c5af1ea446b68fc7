import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir, removed when `teardown` runs. */
export function tempDir(teardown: (fn: () => void) => void, prefix = 'altostream-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
