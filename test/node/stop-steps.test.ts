import { test } from 'tap';
import { stopInOrder, type StopStep } from '../../src/node/stop-steps.js';
import { captureLog, LEVEL } from '../helpers/log-capture.js';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

test('stop-overdue: past the deadline one error line names the part still stopping and the parts after it', async (t) => {
  const { logger, records } = captureLog('info');
  const order: string[] = [];
  let release = (): void => {};
  const hang = new Promise<void>((resolve) => (release = resolve));
  const steps: StopStep[] = [
    { part: 'miner', stop: () => void order.push('miner') },
    { part: 'p2p', stop: () => hang.then(() => void order.push('p2p')) },
    { part: 'api', stop: () => void order.push('api') },
    { part: 'storage', stop: () => void order.push('storage') },
  ];
  const stopping = stopInOrder(steps, { deadlineMs: 50, logger });
  await until(() => records.length > 0);
  t.match(records, [
    {
      level: LEVEL.error,
      stopping: 'p2p',
      waiting: ['api', 'storage'],
      deadlineS: 0.05,
      msg: /^the stop did not finish within 0\.05 s: still stopping p2p\. The CLI exits with 1/,
    },
  ]);
  t.same(order, ['miner'], 'the overdue step is still running');
  release();
  await stopping;
  t.same(order, ['miner', 'p2p', 'api', 'storage'], 'the steps go on after the deadline');
  t.equal(records.length, 1, 'one line per stop');
});

test('a stop within the deadline logs nothing at error', async (t) => {
  const { logger, records } = captureLog('info');
  await stopInOrder([{ part: 'miner', stop: () => new Promise((resolve) => setTimeout(resolve, 5)) }], {
    deadlineMs: 30,
    logger,
  });
  await new Promise((resolve) => setTimeout(resolve, 60));
  t.same(records, []);
});

test('a step that fails is logged at error, the later steps still run, and the first failure is thrown', async (t) => {
  const { logger, records } = captureLog('info');
  const order: string[] = [];
  const steps: StopStep[] = [
    {
      part: 'p2p',
      stop: () => {
        throw new Error('libp2p would not stop');
      },
    },
    { part: 'storage', stop: () => void order.push('storage') },
  ];
  await t.rejects(stopInOrder(steps, { deadlineMs: 1000, logger }), { message: 'libp2p would not stop' });
  t.same(order, ['storage'], 'the data dir is closed anyway');
  t.match(records, [
    {
      level: LEVEL.error,
      part: 'p2p',
      err: { message: 'libp2p would not stop' },
      msg: /^stopping p2p failed/,
    },
  ]);
});
