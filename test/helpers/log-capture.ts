// A logger whose records a test reads back: pino writes JSON lines to a
// destination that parses and keeps them.
import { createLogger, type Logger } from '../../src/util/logger.js';

export interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function captureLog(level = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({
    level,
    destination: {
      write: (line: string) => {
        records.push(JSON.parse(line) as LogRecord);
      },
    },
  });
  return { logger, records };
}
