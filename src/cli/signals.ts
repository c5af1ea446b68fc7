// What SIGINT and SIGTERM do to a running command (decision 213). The first
// starts a graceful stop: the command's AbortSignal fires and the node stops
// its parts in order. A second, during that stop, forces exit 1 at once. A
// stop that has not finished by the deadline exits 1 too, after the node's
// error line has named the part still stopping. The good path never calls
// exit: the process ends by itself once nothing holds its event loop.
import { STOP_DEADLINE_MS } from '../node/stop-steps.js';

/** After the deadline, time for the node's "still stopping" line to be written before the exit. */
export const OVERDUE_EXIT_GRACE_MS = 100;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The part of `process` this uses; tests pass a fake. */
export interface SignalTarget {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The command returned: the deadline no longer keeps the process alive (it still fires if something does). */
  settled(): void;
}

export function handleStopSignals(
  target: SignalTarget,
  err: (line: string) => void,
  deadlineMs = STOP_DEADLINE_MS,
): StopSignals {
  const controller = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  let settled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      err(`altostream: ${signal}: stopping gracefully (Ctrl-C or SIGTERM again forces the exit)`);
      controller.abort();
      // Ref'd while the command runs: a stop that hangs on a promise alone still ends here.
      deadline = setTimeout(() => {
        err(
          settled
            ? `altostream: the node stopped but something still holds the process after ${deadlineMs / 1000} s: exiting with 1 (a bug: please report it)`
            : `altostream: the stop did not finish within ${deadlineMs / 1000} s (the log's error line names the part): exiting with 1`,
        );
        target.exit(1);
      }, deadlineMs + OVERDUE_EXIT_GRACE_MS);
      if (settled) deadline.unref();
      return;
    }
    err(
      `altostream: ${signal} again while stopping: forced exit with 1 (the data dir is safe: each block is one LMDB transaction)`,
    );
    target.exit(1);
  };
  for (const name of STOP_SIGNALS) target.on(name, onSignal);
  return {
    signal: controller.signal,
    settled: () => {
      settled = true;
      deadline?.unref();
    },
  };
}
