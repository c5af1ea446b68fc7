import { EventEmitter } from 'node:events';
import { test } from 'tap';
import { handleStopSignals, OVERDUE_EXIT_GRACE_MS } from '../../src/cli/signals.js';

/** A stand-in for `process`: signals are emitted by the test, exit only records its code. */
function fakeProcess(): {
  target: EventEmitter & { exit(code: number): void };
  exits: number[];
  lines: string[];
} {
  const exits: number[] = [];
  const lines: string[] = [];
  const target = Object.assign(new EventEmitter(), {
    exit: (code: number) => {
      exits.push(code);
    },
  });
  return { target, exits, lines };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

for (const [first, second] of [
  ['SIGTERM', 'SIGINT'],
  ['SIGINT', 'SIGINT'],
] as const) {
  test(`graceful-stop: ${first} aborts the command's signal and does not exit; ${second} then forces exit 1`, async (t) => {
    const { target, exits, lines } = fakeProcess();
    const stop = handleStopSignals(target, (line) => lines.push(line), 60_000);
    t.notOk(stop.signal.aborted);
    target.emit(first, first);
    t.ok(stop.signal.aborted, 'the graceful stop started');
    t.same(exits, [], 'no exit on the first signal');
    t.match(lines, [
      new RegExp(`^altostream: ${first}: stopping gracefully \\(Ctrl-C or SIGTERM again forces the exit\\)$`),
    ]);
    target.emit(second, second);
    t.same(exits, [1], 'the second signal exits 1 at once');
    t.match(lines[1], new RegExp(`^altostream: ${second} again while stopping: forced exit with 1`));
    stop.settled();
  });
}

test('stop-deadline: a stop still running at the deadline exits 1 and says so', async (t) => {
  const { target, exits, lines } = fakeProcess();
  const stop = handleStopSignals(target, (line) => lines.push(line), 40);
  const sent = Date.now();
  target.emit('SIGTERM', 'SIGTERM');
  await until(() => exits.length > 0);
  t.same(exits, [1]);
  t.ok(Date.now() - sent >= 40 + OVERDUE_EXIT_GRACE_MS - 5, 'not before the deadline and its grace');
  t.match(lines[1], /^altostream: the stop did not finish within 0\.04 s .*: exiting with 1$/);
  stop.settled();
});

test('stop-deadline: a command that returned but left something holding the process is ended at the deadline', async (t) => {
  const { target, exits, lines } = fakeProcess();
  const stop = handleStopSignals(target, (line) => lines.push(line), 40);
  target.emit('SIGTERM', 'SIGTERM');
  stop.settled();
  // The test process itself stays alive (tap's own handles), as a leaked socket would keep a node's.
  await until(() => exits.length > 0);
  t.same(exits, [1]);
  t.match(lines[1], /^altostream: the node stopped but something still holds the process/);
});

test('without a signal nothing happens', async (t) => {
  const { target, exits } = fakeProcess();
  const stop = handleStopSignals(target, () => {}, 10);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.notOk(stop.signal.aborted);
  t.same(exits, []);
  stop.settled();
});
