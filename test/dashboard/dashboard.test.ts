// The dashboard in a real browser (Debian's chromium through playwright-core)
// against an in-process regtest node that mines: the page shows the tip, follows
// a block mined through the API without a reload, and benchmarks this device
// (self-test, then a positive hash rate) on one thread for one second. No CSP
// violation and no page error may occur. Leaves a screenshot in
// test/artifacts/dashboard.png. Needs `npm run build` and `npm run build:wasm`.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { test } from 'tap';
import { scanNonces } from '../../src/crypto/pow.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { captureLog } from '../helpers/log-capture.js';
import { until } from '../helpers/network.js';
import { startTestNode } from '../helpers/node.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const PAYOUT = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x7d));

interface BenchResult {
  readonly selfTest: string;
  readonly build?: string;
  readonly vectors?: number;
  readonly total?: number;
  readonly perThread?: number[];
  readonly message?: string;
}

/** Mines one key block on the tip through GET /mining/template and POST /mining/submit; its id. */
async function mineThroughApi(url: string, token: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const template = (await (
    await fetch(`${url}/mining/template?payout=${PAYOUT}`, { headers: auth })
  ).json()) as {
    header: string;
    body: string;
    target: string;
  };
  const header = fromHex(template.header);
  const target = fromHex(template.target).reverse(); // BE hex → LE256
  const hit = scanNonces(header, target, 0, 1_000_000);
  if (hit === null) throw new Error('no nonce found');
  new DataView(header.buffer, header.byteOffset).setUint32(76, hit.nonce, true);
  const response = await fetch(`${url}/mining/submit`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ hex: toHex(header) + template.body }),
  });
  const result = (await response.json()) as { accepted: boolean; reason: string | null; id: string };
  if (!result.accepted) throw new Error(`block refused: ${result.reason}`);
  return result.id;
}

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();

test('dashboard: shows the tip, follows a new block without a reload, and benchmarks this browser', async (t) => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    );
  }
  const { logger, records } = captureLog('info');
  // The miner mines key block 1 at once (genesis is old), then waits: the next block is the test's.
  const { url, token, node } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { mine: true, payout: PAYOUT, blockIntervalMs: 600_000 },
    logger,
  );
  t.match(
    records.find((r) => r.msg === 'node started'),
    { dashboard: `${url}/` },
    '"node started" gives the dashboard URL',
  );
  await until(30_000, 'the first key block', () => Promise.resolve(node.chain.tip.keyHeight >= 1n));
  const first = node.chain.tip;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A CSP violation is reported on the console as an error; so is any script failure.
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  await page.goto(`${url}/`);

  // The tip, from GET /status.
  await page.waitForFunction((id) => document.getElementById('tip')?.title === id, first.hex, {
    timeout: 15_000,
  });
  t.equal(await text(page, '#height'), String(first.keyHeight), 'the height is shown');
  t.equal(await text(page, '#network'), 'regtest');
  await page.waitForFunction(() => document.getElementById('feed-state')?.textContent === 'live', undefined, {
    timeout: 15_000,
  });
  await page.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });

  // A key block mined through the API reaches the page through GET /events.
  const mined = await mineThroughApi(url, token);
  await page.waitForSelector(`#key-blocks li[data-id="${mined}"]`, { timeout: 15_000 });
  await page.waitForFunction((id) => document.getElementById('tip')?.title === id, mined, {
    timeout: 15_000,
  });
  t.equal(await text(page, '#height'), String(first.keyHeight + 1n), 'the height moved on');
  t.equal(
    await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    true,
    'without a reload',
  );
  await page.waitForFunction(
    () => /minted of the 25,000,000 ALTO cap/.test(document.getElementById('supply')?.textContent ?? ''),
    undefined,
    { timeout: 20_000 },
  );
  t.match(await text(page, '#peers'), /P2P is off/, 'the peers panel says P2P is off');
  t.match(
    await text(page, '#stratum-workers'),
    /Stratum server is off/,
    'the workers panel says Stratum is off',
  );

  // Benchmark this device: one thread, one second.
  await page.selectOption('#bench-threads', '1');
  await page.fill('#bench-seconds', '1');
  await page.click('#bench-start');
  await page.waitForFunction(
    () => document.getElementById('bench-card')?.dataset.result !== undefined,
    undefined,
    {
      timeout: 20_000,
    },
  );
  const result = JSON.parse(
    (await page.evaluate(() => document.getElementById('bench-card')?.dataset.result)) ?? '{}',
  ) as BenchResult;
  t.equal(result.selfTest, 'passed', `self-test passed (${result.message ?? 'no message'})`);
  t.ok(result.vectors !== undefined && result.vectors > 0, `${result.vectors} vectors checked`);
  t.equal(result.perThread?.length, 1, 'one thread');
  t.equal(result.build, 'simd', "the SIMD build, as the node's miner runs");
  t.ok(result.total !== undefined && result.total > 0, `${result.total?.toFixed(1)} H/s in the browser`);
  t.match(await text(page, '#bench-status'), /Self-test passed/);
  t.match(await text(page, '#bench-total'), /H\/s$/);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL('dashboard.png', ARTIFACTS).pathname, fullPage: true });
  t.same(problems, [], 'no page error and no CSP violation');
});
