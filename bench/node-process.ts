// A node process for the end-to-end benches: the built CLI (npm run build),
// JSON logs, a free API port; resolves once its API answers.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export interface BenchNode {
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

export async function startNode(
  datadir: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<BenchNode> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, CLI, 'node', '--datadir', datadir, '--api-port', '0', '--log-format', 'json', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the node exited with ${code}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /"api":"([^"]+)"/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
  return {
    url,
    token: readFileSync(join(datadir, 'api-token'), 'utf8').trim(),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
