// The client library in a real browser (Debian's chromium through playwright-core):
// the page loads build/client.browser.js (`npm run build:browser`) and hands it
// the wasm with initWasm, signs a play attestation and a Donate, and Node checks
// that the signatures verify and that the bytes decode to exactly the
// transaction the Node library builds from the same inputs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ed25519 } from '@noble/curves/ed25519.js';
import { chromium } from 'playwright-core';
import { test } from 'tap';
import * as client from '../../src/client/index.js';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { REGTEST } from '../../src/protocol/params.js';

const ROOT = new URL('../../', import.meta.url);
const CHROMIUM = '/usr/bin/chromium';

const LISTENER_SEED = 'a1'.repeat(32);
const DONOR_SEED = 'b2'.repeat(32);
const SONG = 'c3'.repeat(32);
const APP = client.addressOfAccount(new Uint8Array(20).fill(0xd4), REGTEST);
const PLAY = { songId: SONG, startS: '1800000000', seconds: 215, app: APP, serial: '42' };
const DONATION = {
  amount: '2500000000000000000',
  memo: 'for the bridge',
  nonce: '3',
  fee: '1000000000000000',
};

/** What the page runs: a module script that reports through window.result. */
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import * as c from '/client.browser.js';
const input = ${JSON.stringify({ LISTENER_SEED, DONOR_SEED, PLAY, DONATION })};
try {
  let before = 'no error';
  try { c.getPublicKey(c.fromHex(input.LISTENER_SEED)); } catch (e) { before = String(e.message); }
  await c.initWasm(fetch('/altostream.wasm'));
  const params = c.NETWORKS.regtest;
  const p = input.PLAY;
  const a = c.signAttestation(c.fromHex(input.LISTENER_SEED), { songId: p.songId, startS: BigInt(p.startS),
    seconds: p.seconds, app: p.app, serial: BigInt(p.serial) }, params);
  const d = input.DONATION;
  const tx = c.signDonate(c.fromHex(input.DONOR_SEED), { songId: p.songId, amount: BigInt(d.amount), memo: d.memo },
    { nonce: BigInt(d.nonce), fee: BigInt(d.fee), params });
  window.result = { before, attestation: c.toHex(c.encodeAttestation(a)), tx: c.toHex(c.encodeTx(tx)),
    txId: c.toHex(c.txId(tx)), node: typeof process, buffer: typeof Buffer };
} catch (e) { window.result = { error: String(e && e.stack || e) }; }
</script>`;

interface PageResult {
  readonly before?: string;
  readonly attestation?: string;
  readonly tx?: string;
  readonly txId?: string;
  readonly node?: string;
  readonly buffer?: string;
  readonly error?: string;
}

function serve(): Promise<Server> {
  execFileSync('npm', ['run', '--silent', 'build:browser'], { cwd: ROOT, stdio: 'ignore' });
  const files: Record<string, { type: string; body: Buffer | string }> = {
    '/': { type: 'text/html', body: PAGE },
    '/client.browser.js': {
      type: 'text/javascript',
      body: readFileSync(new URL('build/client.browser.js', ROOT)),
    },
    '/altostream.wasm': {
      type: 'application/wasm',
      body: readFileSync(new URL('build/altostream.wasm', ROOT)),
    },
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

test('a browser signs an attestation and a Donate that Node verifies and decodes to its own', async (t) => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    );
  }
  const server = await serve();
  t.teardown(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const { port } = server.address() as AddressInfo;
  // An error thrown while the bundle's modules load (before the page's try) ends the wait at once.
  const failed = new Promise<never>((_resolve, reject) => {
    page.on('pageerror', (error) => {
      reject(new Error(`the page threw: ${error.message}`));
    });
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await Promise.race([
    page.waitForFunction(() => 'result' in window, undefined, { timeout: 30_000 }),
    failed,
  ]);
  const result = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as PageResult;
  t.equal(result.error, undefined, 'the page ran without an error');
  t.equal(result.node, 'undefined', 'no process object: a real browser, not Node');
  t.equal(result.buffer, 'undefined', 'no Buffer in the page either');
  t.match(result.before, /initWasm/, 'before initWasm the library says to hand the wasm in');

  // The Node library from the same inputs.
  const attestation = client.signAttestation(
    client.fromHex(LISTENER_SEED),
    {
      songId: SONG,
      startS: BigInt(PLAY.startS),
      seconds: PLAY.seconds,
      app: APP,
      serial: BigInt(PLAY.serial),
    },
    REGTEST,
  );
  const donate = client.signDonate(
    client.fromHex(DONOR_SEED),
    { songId: SONG, amount: BigInt(DONATION.amount), memo: DONATION.memo },
    { nonce: BigInt(DONATION.nonce), fee: BigInt(DONATION.fee), params: REGTEST },
  );

  const aBytes = client.fromHex(result.attestation ?? '');
  t.equal(aBytes.length, 168);
  const message = new Uint8Array([
    ...new TextEncoder().encode(`ALTO/${REGTEST.chainId}/play`),
    ...aBytes.subarray(0, 104),
  ]);
  t.ok(
    ed25519.verify(aBytes.subarray(104), message, aBytes.subarray(32, 64), { zip215: true }),
    "the page's attestation verifies (noble) over §4.9's message",
  );
  t.equal(
    result.attestation,
    client.toHex(client.encodeAttestation(attestation)),
    'the same 168 bytes as Node',
  );

  const tx = client.decodeTx(client.fromHex(result.tx ?? ''));
  t.doesNotThrow(() => {
    checkTxSanity(tx, REGTEST);
  }, "the page's Donate passes the node's sanity checks, signature included");
  t.same(tx, donate, 'it decodes to the transaction Node builds');
  t.equal(result.txId, client.toHex(client.txId(donate)), 'and has the same txid');
});
