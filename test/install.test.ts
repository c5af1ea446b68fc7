// What `npm ci` says on the Node this runs on, without installing anything:
// a dry run over a copy of package.json and package-lock.json, offline.
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'tap';
import { ownTempDir } from './helpers/test-owner.js';

const run = promisify(execFile);

async function npmCiWarnings(dir: string): Promise<string[]> {
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(file, join(dir, file));
  const { stderr } = await run('npm', ['ci', '--dry-run', '--offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    timeout: 120_000,
  });
  return stderr.split('\n').filter((line) => line.startsWith('npm warn'));
}

test('EBADENGINE, install-scripts: npm ci on a supported Node warns of no engine and no undeclared install script', async (t) => {
  const warnings = await npmCiWarnings(ownTempDir(t));
  t.same(
    warnings.filter((line) => /EBADENGINE|install-scripts/.test(line)),
    [],
    warnings.join('\n'),
  );
});
