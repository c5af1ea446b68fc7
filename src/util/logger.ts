// The pino logger factory. There is no shared instance: node/ creates one
// logger and hands each part `logger.child({ module: 'mempool' })`.
import { pino, levels, type DestinationStream, type Logger } from 'pino';
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
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new InvalidArgumentError(
      'bad-log-level',
      `log level must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`,
    );
  }
  const options = opts.name === undefined ? { level } : { level, name: opts.name };
  if (opts.pretty === true) return pino(options, prettyDestination(opts.destination ?? process.stdout));
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
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
