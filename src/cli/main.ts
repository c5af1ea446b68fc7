#!/usr/bin/env node
// The `altostream` executable: runs the command and sets the exit code (run.ts
// maps errors to codes); SIGINT and SIGTERM stop it as signals.ts says.
import { run } from './run.js';
import { handleStopSignals } from './signals.js';

const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const stop = handleStopSignals(process, err);

run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err,
  signal: stop.signal,
}).then(
  (code) => {
    stop.settled();
    // No process.exit: the process ends once nothing holds it, after every log line is written.
    process.exitCode = code;
  },
  (error: unknown) => {
    stop.settled();
    err(
      `altostream: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
