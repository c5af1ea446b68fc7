// The pino logger factory. There is no shared instance: node/ creates one
// logger and hands each part `logger.child({ module: 'mempool' })`. A module
// may log at its own level (`modules`), and every line may also go to a file
// of JSON lines (`file`) while the console keeps its own format
// (docs/logging.md lists the modules and what each logs at which level).
import { pino, levels, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { InvalidArgumentError } from './errors.js';

export type { Logger } from 'pino';

/** pino's levels, most verbose first, plus 'silent', which logs nothing. */
export const LOG_LEVELS: readonly string[] = Object.freeze([
  ...Object.entries(levels.values)
    .sort(([, a], [, b]) => a - b)
    .map(([label]) => label),
  'silent',
]);

export interface LoggerOptions {
  /** One of LOG_LEVELS; 'info' when left out. */
  readonly level?: string;
  /** Written as `name` on every line, e.g. 'altostream'. */
  readonly name?: string;
  /** One readable line per record instead of JSON lines (for a terminal, not for log collectors). */
  readonly pretty?: boolean;
  /** Where the lines go; standard output when left out. Tests pass a stream they read back. */
  readonly destination?: DestinationStream;
  /**
   * Levels of single modules, e.g. `{ chain: 'debug', p2p: 'warn' }`: a child logger whose
   * `module` binding is listed logs at that level, and so do its own children.
   */
  readonly modules?: Readonly<Record<string, string>>;
  /**
   * Also append every line, as JSON, to this file (created if absent, with its directory). The
   * console keeps logging in its own format. Written synchronously, like pino's standard output:
   * the last lines before a crash or a forced exit are on disk, and there is nothing to flush.
   */
  readonly file?: string;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = checkLevel(opts.level ?? 'info', 'log level');
  const modules = new Map<string, string>();
  for (const [module, moduleLevel] of Object.entries(opts.modules ?? {})) {
    modules.set(module, checkLevel(moduleLevel, `the log level of module '${module}'`));
  }
  const options: PinoOptions = { level };
  if (opts.name !== undefined) options.name = opts.name;
  if (modules.size > 0) {
    // Called for every child, and children inherit it: a grandchild carries its parent's
    // `module` binding, so it gets the module's level as well.
    options.onChild = (child) => {
      const module: unknown = child.bindings().module;
      const moduleLevel = typeof module === 'string' ? modules.get(module) : undefined;
      if (moduleLevel !== undefined) child.level = moduleLevel;
    };
  }
  const consoleStream =
    opts.pretty === true
      ? prettyDestination(opts.destination ?? process.stdout)
      : (opts.destination ?? pino.destination({ dest: 1, sync: true }));
  if (opts.file === undefined) return pino(options, consoleStream);
  // Each logger already dropped what is below its level: the streams take every line they get.
  return pino(
    options,
    pino.multistream([
      { level: 'trace', stream: consoleStream },
      { level: 'trace', stream: openLogFile(opts.file) },
    ]),
  );
}

function checkLevel(level: string, what: string): string {
  if (!LOG_LEVELS.includes(level)) {
    throw new InvalidArgumentError(
      'bad-log-level',
      `${what} must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`,
    );
  }
  return level;
}

/** The log file, opened for appending now, so a path that cannot be written fails at start. */
function openLogFile(path: string): DestinationStream {
  try {
    return pino.destination({ dest: path, append: true, mkdir: true, sync: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InvalidArgumentError(
      'bad-log-file',
      `cannot open the log file ${path} for appending (${code}): pass a path in a directory you can write`,
    );
  }
}

/** Turns each JSON line pino writes into `HH:MM:SS.mmm LEVEL name/module: msg {other fields}`. */
function prettyDestination(out: DestinationStream): DestinationStream {
  return {
    write(line: string): void {
      out.write(formatPretty(line));
    },
  };
}

function formatPretty(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line; // not a record: pass it through untouched
  }
  const { time, level, name, module, msg, err, ...rest } = record;
  delete rest.pid; // pid and hostname say the same on every line of one terminal
  delete rest.hostname;
  const when = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const label = typeof level === 'number' ? (levels.labels[level] ?? String(level)) : String(level);
  const source = [name, module].filter((part) => typeof part === 'string').join('/');
  let text = `${when} ${label.toUpperCase().padEnd(5)} ${source === '' ? '' : `${source}: `}`;
  text += typeof msg === 'string' ? msg : '';
  if (Object.keys(rest).length > 0) text += ` ${JSON.stringify(rest)}`;
  if (typeof err === 'object' && err !== null && 'stack' in err && typeof err.stack === 'string') {
    text += `\n    ${err.stack.replace(/\n/g, '\n    ')}`;
  }
  return `${text}\n`;
}
