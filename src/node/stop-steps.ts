// A node stops its parts one after another, in reverse order of start. If that
// takes longer than the deadline, the error log names the part still stopping
// and those after it, so a hang is reported rather than guessed at.
import type { Logger } from '../util/logger.js';

/**
 * How long a graceful stop may take before it is overdue (decision 214). The CLI exits with 1
 * then; Lodestar and systemd (TimeoutStopSec) give a stop a bounded time too.
 */
export const STOP_DEADLINE_MS = 8_000;

export interface StopStep {
  /** The part's module name, as in the log (docs/logging.md). */
  readonly part: string;
  readonly stop: () => Promise<void> | void;
}

export interface StopOptions {
  readonly deadlineMs: number;
  readonly logger: Logger;
}

/**
 * Runs every step in order. A step that throws is logged at error and the rest still run (the
 * data dir is closed even when the network would not stop); the first such error is thrown at
 * the end. Past the deadline, one error line names what is still stopping; the steps go on.
 */
export async function stopInOrder(steps: readonly StopStep[], opts: StopOptions): Promise<void> {
  let current = 0;
  // Unref'd: a stop that is done must not wait for its own deadline.
  const overdue = setTimeout(() => {
    const stopping = steps[current]?.part ?? 'nothing';
    opts.logger.error(
      { stopping, waiting: steps.slice(current + 1).map((s) => s.part), deadlineS: opts.deadlineMs / 1000 },
      `the stop did not finish within ${opts.deadlineMs / 1000} s: still stopping ${stopping}. The CLI exits with 1; the data dir is safe (each block is one LMDB transaction), so start again; if it recurs, report it with this log`,
    );
  }, opts.deadlineMs);
  overdue.unref();
  const failures: unknown[] = [];
  try {
    for (; current < steps.length; current++) {
      const step = steps[current]!;
      try {
        await step.stop();
      } catch (error) {
        failures.push(error);
        opts.logger.error(
          { err: error, part: step.part },
          `stopping ${step.part} failed; the parts after it are stopped anyway and the process exits with 1: report it with this log`,
        );
      }
    }
  } finally {
    clearTimeout(overdue);
  }
  if (failures.length > 0) throw failures[0];
}
