// A real `altostream` process for integration tests: the built CLI
// (dist/cli/main.js), JSON log lines read from its stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly [field: string]: unknown;
}

export class NodeProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(line)) return true;
        w.resolve(line);
        return false;
      });
    });
    createInterface({ input: child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  /** Starts `altostream node` with JSON logs on a free API port and waits until it serves. */
  static async start(args: readonly string[]): Promise<{ proc: NodeProcess; url: string }> {
    const child = spawn(process.execPath, [CLI, 'node', '--api-port', '0', '--log-format', 'json', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new NodeProcess(child);
    const started = await Promise.race([
      proc.waitFor((l) => l.msg === 'node started'),
      proc.exited.then((e) => {
        throw new Error(`the node exited (${e.code ?? e.signal}) before starting: ${proc.stderr.join('\n')}`);
      }),
    ]);
    return { proc, url: String(started.api) };
  }

  waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Runs `altostream <args>` to completion; past `killAfterMs` it is SIGKILLed (code null). */
export async function runCli(
  args: readonly string[],
  opts: { readonly killAfterMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.killAfterMs === undefined ? {} : { timeout: opts.killAfterMs, killSignal: 'SIGKILL' as const }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
