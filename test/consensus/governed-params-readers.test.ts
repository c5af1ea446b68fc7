// Every rule reads a governed parameter (§8.3) through paramInForce: no file
// under src/ but the whitelist itself reads §12's starting values of
// MIN_STAKE, MIN_MICROBLOCK_INTERVAL or the music economy's parameters from
// NetworkParams, so a change applied by governance is never bypassed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'tap';
import { REGTEST } from '../../src/protocol/params.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** The whitelist's genesis values, and the definition of NetworkParams itself. */
const ALLOWED = new Set(['consensus/governed-params.ts', 'protocol/params.ts']);
/** `music.<a governed field>`, `.minStake`, `.minMicroblockIntervalMs`; not other things named music (the index table). */
const STARTING_VALUE = new RegExp(
  `\\bmusic\\.(${Object.keys(REGTEST.music).join('|')})\\b|\\.music\\[|\\.(minStake|minMicroblockIntervalMs)\\b`,
);

test('only the whitelist reads governed parameters from NetworkParams', (t) => {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  t.ok(files.length > 50, `${files.length} files under src/`);
  for (const file of files) {
    const path = file.split('\\').join('/');
    if (ALLOWED.has(path)) continue;
    const lines = readFileSync(join(SRC, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (STARTING_VALUE.test(line)) t.fail(`${path}:${i + 1} reads a governed parameter: ${line.trim()}`);
    });
  }
  t.end();
});
