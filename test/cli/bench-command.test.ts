import { test } from 'tap';
import { captureIo } from '../helpers/io.js';
import { run } from '../../src/cli/run.js';

const capture = captureIo;

test('bad bench flags exit 2 with a message naming the flag, before any work', async (t) => {
  const cases: [string[], RegExp][] = [
    [['bench', '--threads', '0'], /--threads must be from 1 to 256/],
    [['bench', '--threads', 'two'], /--threads takes a whole number/],
    [['bench', '--threads', '1.5'], /--threads takes a whole number/],
    [['bench', '--time-limit=-3'], /--time-limit takes a positive number of seconds/],
    [['bench', '--time-limit', '-3'], /--time-limit/],
    [['bench', '--time-limit', 'soon'], /--time-limit takes a positive number of seconds/],
    [['bench', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['bench', 'extra'], /Unexpected argument 'extra'/],
    [['bench', '--threads'], /--threads/],
  ];
  for (const [argv, message] of cases) {
    const c = capture();
    t.equal(await run(argv, c.io), 2, argv.join(' '));
    t.match(c.err.join('\n'), message, argv.join(' '));
    t.same(c.out, [], 'nothing on stdout');
  }
});

test('an unknown command exits 2 and lists the commands', async (t) => {
  const c = capture();
  t.equal(await run(['mine-bitcoin'], c.io), 2);
  t.match(c.err.join('\n'), /unknown command 'mine-bitcoin'[\s\S]*bench/);
});

test('bench --help prints the options and exits 0', async (t) => {
  const c = capture();
  t.equal(await run(['bench', '--help'], c.io), 0);
  t.match(c.out.join('\n'), /--time-limit S/);
});

test('bench --json --time-limit prints one result object after a passing self-test', async (t) => {
  const c = capture();
  t.equal(await run(['bench', '--threads', '1', '--time-limit', '1', '--json'], c.io), 0);
  t.equal(c.out.length, 1, 'stdout holds exactly one line');
  const result = JSON.parse(c.out[0] ?? '') as Record<string, unknown>;
  t.match(result, {
    algorithm: 'yespower-1.0',
    N: 2048,
    r: 32,
    personalization: 'Altostream',
    threads: 1,
    mibPerThread: 8,
    selfTest: { passed: 18, failed: 0 },
  });
  t.ok((result.hashes as number) > 0, 'it hashed');
  t.ok((result.hashrate as number) > 0, 'it reports a rate');
  t.match(c.err.join('\n'), /self-test: 18\/18 vectors pass/, 'progress goes to stderr');
});

test('bench prints the Benchmark line with threads and memory per thread', async (t) => {
  const c = capture();
  t.equal(await run(['bench', '--threads', '2', '--time-limit', '0.5'], c.io), 0);
  t.match(c.out.at(-1), /^Benchmark: \d+\.\d\d H\/s \(2 threads, 8 MiB\/thread\)$/);
});
