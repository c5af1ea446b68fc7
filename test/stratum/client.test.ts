// The tests' own Stratum client (test/helpers/stratum-client.ts) against
// hand-made vectors and a scripted fake server, so that the server's tests
// can trust what it builds: PROTOCOL.md §3.2 and §11.3–§11.4, as cpuminer-opt does it.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type Test } from 'tap';
import { meetsTarget, yespower } from '../../src/crypto/pow.js';
import { StratumClient, u32ToBeHex, type Job } from '../helpers/stratum-client.js';

// A hand-made key block (§3.2), its parts written out byte by byte:
//   body = magic a1b2c3d4 ‖ height 5 (u64 LE) ‖ leader_key 20…3f ‖ payout 40…53
//        ‖ extranonce1 0000002a ‖ extranonce2 deadbeef ‖ aux 60…7f
//   header = version 1 ‖ prev 00…1f ‖ H2(body) ‖ time 0x6564a1b2 ‖ bits 0x207fffff ‖ nonce 0x01020304
// H2(body) and the header were computed with Python's hashlib, apart from this code.
const COINB1 =
  'a1b2c3d4' +
  '0500000000000000' +
  '202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f' +
  '404142434445464748494a4b4c4d4e4f50515253';
const COINB2 = '606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f';
const EXTRANONCE1 = '0000002a';
const EXTRANONCE2 = 'deadbeef';
const BODY_ROOT = '32eea20f13942cc7e8ac148532290b38b5c3615c654109198a1fa71f7bd1cb69';
const HEADER =
  '01000000' +
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' +
  BODY_ROOT +
  'b2a16465' +
  'ffff7f20' +
  '04030201';
// §11.3's example: header prev 000102…1e1f is sent with each 4-byte word reversed.
const PREVHASH = '03020100070605040b0a09080f0e0d0c13121110171615141b1a19181f1e1d1c';

function job(overrides: Partial<Job> = {}): Job {
  return {
    jobId: '1a',
    prevhash: PREVHASH,
    coinb1: COINB1,
    coinb2: COINB2,
    merkleBranch: [],
    version: '00000001',
    nbits: '207fffff',
    ntime: '6564a1b2',
    cleanJobs: true,
    difficulty: 1,
    ...overrides,
  };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A one-connection server speaking scripted lines; records every line it receives. */
class FakeServer {
  readonly received: string[] = [];
  readonly rawReceived: Buffer[] = [];
  socket: Socket | undefined;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(t: Test): Promise<FakeServer> {
    const server = createServer();
    const fake = new FakeServer(server);
    server.on('connection', (socket) => {
      fake.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        fake.rawReceived.push(chunk);
        fake.buffer += chunk.toString('utf8');
        let end: number;
        while ((end = fake.buffer.indexOf('\n')) !== -1) {
          fake.received.push(fake.buffer.slice(0, end));
          fake.buffer = fake.buffer.slice(end + 1);
        }
        fake.wake();
      });
      socket.on('error', () => {});
      fake.wake();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => {
      fake.socket?.destroy();
      return new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    });
    return fake;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  /** The n-th request line received (0-based), parsed. */
  async request(n: number): Promise<{ id: number; method: string; params: unknown[] }> {
    await this.until(() => this.received.length > n);
    return JSON.parse(this.received[n]!) as { id: number; method: string; params: unknown[] };
  }

  send(...lines: unknown[]): void {
    this.socket!.write(lines.map((l) => JSON.stringify(l) + '\n').join(''));
  }

  sendRaw(data: string): void {
    this.socket!.write(data);
  }

  async until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('fake server: condition not met in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A client connected to a fake server that answered subscribe with EXTRANONCE1 and size 4. */
async function subscribed(t: Test): Promise<{ fake: FakeServer; client: StratumClient }> {
  const fake = await FakeServer.start(t);
  const client = await StratumClient.connect(fake.port);
  t.teardown(() => {
    client.close();
  });
  const pending = client.subscribe();
  const req = await fake.request(0);
  fake.send({
    id: req.id,
    result: [
      [
        ['mining.set_difficulty', 'd1'],
        ['mining.notify', 'n1'],
      ],
      EXTRANONCE1,
      4,
    ],
    error: null,
  });
  await pending;
  return { fake, client };
}

function notifyParams(j: Job): unknown[] {
  return [j.jobId, j.prevhash, j.coinb1, j.coinb2, j.merkleBranch, j.version, j.nbits, j.ntime, j.cleanJobs];
}

test('§11.3 prevhash word order: 03020100…1f1e1d1c rebuilds header prev 000102…1e1f', async (t) => {
  const { client } = await subscribed(t);
  const header = client.buildHeader(job(), EXTRANONCE2, '6564a1b2', 0);
  t.equal(hex(header.subarray(4, 36)), '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  // and a prev whose words differ shows each word reversed on its own, not the whole 32 bytes
  const words = client.buildHeader(
    job({ prevhash: '11223344' + '00'.repeat(24) + 'aabbccdd' }),
    EXTRANONCE2,
    '00000000',
    0,
  );
  t.equal(hex(words.subarray(4, 8)), '44332211');
  t.equal(hex(words.subarray(32, 36)), 'ddccbbaa');
});

test('§11.3 version, nbits, ntime are big-endian hex, little-endian in the header; the nonce too', async (t) => {
  const { client } = await subscribed(t);
  const header = client.buildHeader(
    job({ version: '00000001', nbits: '1f00ffff' }),
    EXTRANONCE2,
    '5f5e1000',
    0x0a0b0c0d,
  );
  t.equal(hex(header.subarray(0, 4)), '01000000', 'version "00000001"');
  t.equal(hex(header.subarray(68, 72)), '00105e5f', 'ntime "5f5e1000"');
  t.equal(hex(header.subarray(72, 76)), 'ffff001f', 'nbits "1f00ffff"');
  t.equal(hex(header.subarray(76, 80)), '0d0c0b0a', 'nonce 0x0a0b0c0d');
  const view = new DataView(header.buffer);
  t.equal(view.getUint32(0, true), 1);
  t.equal(view.getUint32(72, true), 0x1f00ffff);
});

test('§3.2 coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2 is the 104-byte body at its offsets', async (t) => {
  const { client } = await subscribed(t);
  const body = client.coinbase(job(), EXTRANONCE2);
  t.equal(body.length, 104);
  t.equal(hex(body.subarray(0, 4)), 'a1b2c3d4', 'magic at 0');
  t.equal(new DataView(body.buffer).getBigUint64(4, true), 5n, 'height at 4');
  t.equal(body[12], 0x20, 'leader_key at 12');
  t.equal(body[44], 0x40, 'payout at 44');
  t.equal(hex(body.subarray(64, 72)), EXTRANONCE1 + EXTRANONCE2, 'extranonce1 ‖ extranonce2 at 64');
  t.equal(hex(body.subarray(72, 104)), COINB2, 'aux at 72');
  const root = createHash('sha256').update(createHash('sha256').update(body).digest()).digest('hex');
  t.equal(root, BODY_ROOT);
  t.throws(() => client.coinbase(job(), 'dead'), /extranonce2 must be 4 bytes/);
});

test('the header of a fixed job matches the hand-made vector byte by byte', async (t) => {
  const { client } = await subscribed(t);
  const header = client.buildHeader(job(), EXTRANONCE2, '6564a1b2', 0x01020304);
  t.equal(header.length, 80);
  const expected = Buffer.from(HEADER, 'hex');
  for (let i = 0; i < 80; i++) {
    if (header[i] !== expected[i]) t.fail(`byte ${i}: ${header[i]} ≠ ${expected[i]}`);
  }
  t.equal(hex(header), HEADER);
  // a merkle branch folds in as sha256d(root ‖ branch), as cpuminer-opt's sha256d_gen_merkle_root
  const branch = 'ff'.repeat(32);
  const folded = client.buildHeader(job({ merkleBranch: [branch] }), EXTRANONCE2, '6564a1b2', 0x01020304);
  const step = (b: Buffer): Buffer =>
    createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
  t.equal(hex(folded.subarray(36, 68)), step(Buffer.from(BODY_ROOT + branch, 'hex')).toString('hex'));
});

test('malformed notify fields are refused, not hashed', async (t) => {
  const { client } = await subscribed(t);
  t.throws(
    () => client.buildHeader(job({ version: '1' }), EXTRANONCE2, '6564a1b2', 0),
    /version must be 8 hex/,
  );
  t.throws(
    () => client.buildHeader(job({ prevhash: 'zz'.repeat(32) }), EXTRANONCE2, '6564a1b2', 0),
    /prevhash/,
  );
  t.throws(() => client.buildHeader(job(), EXTRANONCE2, '6564a1b2', 2 ** 32), /not a u32/);
});

test('§11.4 shareTarget(2^k), k = −15…20, is floor(2^112/d)·2^128 + 2^128 − 1', async (t) => {
  for (let k = -15; k <= 20; k++) {
    const d = 2 ** k;
    // d = 2^k exactly, so floor(2^112/d) = 2^112 / 2^k or 2^112 · 2^−k
    const high = k >= 0 ? (1n << 112n) / (1n << BigInt(k)) : (1n << 112n) * (1n << BigInt(-k));
    const expected = high * 2n ** 128n + 2n ** 128n - 1n;
    t.equal(StratumClient.shareTarget(d), expected, `k = ${k}`);
  }
  t.equal(StratumClient.shareTarget(1), 2n ** 240n + 2n ** 128n - 1n, 'd = 1 is ≈ 2^240');
  t.equal(
    StratumClient.shareTarget(2 ** -15),
    2n ** 255n + 2n ** 128n - 1n,
    'k = −15 keeps the high half in 128 bits',
  );
  t.equal(
    StratumClient.shareTarget(3),
    ((1n << 112n) / 3n) * 2n ** 128n + 2n ** 128n - 1n,
    'not a power of two: exact',
  );
  t.throws(() => StratumClient.shareTarget(2 ** -16), RangeError, 'k = −16 overflows cpuminer-opt');
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => StratumClient.shareTarget(bad), RangeError, `difficulty ${bad}`);
  }
  t.equal(StratumClient.bitsTarget('207fffff'), 0x7fffffn << 232n, 'regtest POW_LIMIT');
  t.equal(StratumClient.bitsTarget('1f00ffff'), 0xffffn << 224n, 'mainnet POW_LIMIT');
  t.equal(StratumClient.bitsTarget('1f80ffff'), null, 'negative');
  const le = StratumClient.targetBytes(StratumClient.shareTarget(1));
  t.equal(hex(le), 'ff'.repeat(16) + '00'.repeat(14) + '0100', 'little-endian bytes');
});

test('findShare finds a nonce whose yespower hash meets the share target (easy, regtest-like)', async (t) => {
  const { client } = await subscribed(t);
  const easy = job({ difficulty: 2 ** -15 }); // target ≈ 2^255: about every other hash
  const share = client.findShare(easy, { extranonce2: EXTRANONCE2 });
  if (share === null) return t.fail('no share in 10,000 nonces at target 2^255');
  const nonce = parseInt(share.nonce, 16);
  t.match(share.nonce, /^[0-9a-f]{8}$/);
  t.equal(share.jobId, '1a');
  t.equal(share.ntime, '6564a1b2');
  t.equal(share.extranonce2, EXTRANONCE2);
  t.same(
    share.header,
    client.buildHeader(easy, EXTRANONCE2, '6564a1b2', nonce),
    'the header hashed is the one rebuilt',
  );
  t.equal(
    new DataView(share.header.buffer).getUint32(76, true),
    nonce,
    'nonce LE in the header, BE hex in the share',
  );
  const again = yespower(share.header);
  t.same(again, share.hash, 'yespower() agrees with the scan');
  t.ok(StratumClient.hashValue(again) <= StratumClient.shareTarget(2 ** -15));
  t.ok(meetsTarget(again, StratumClient.targetBytes(StratumClient.shareTarget(2 ** -15))));

  const later = client.findShare(easy, { extranonce2: EXTRANONCE2, startNonce: nonce + 1 });
  t.ok(later !== null && parseInt(later.nonce, 16) > nonce, 'startNonce moves the scan on');
  t.equal(client.findShare(job({ difficulty: 2 ** 20 }), { maxNonces: 3 }), null, 'null after maxNonces');
});

test('a session: subscribe, authorize, set_difficulty, notify, submit, as the server sees it', async (t) => {
  const fake = await FakeServer.start(t);
  const client = await StratumClient.connect(fake.port);
  t.teardown(() => {
    client.close();
  });

  const sub = client.subscribe();
  const subReq = await fake.request(0);
  t.equal(subReq.method, 'mining.subscribe');
  t.equal(typeof subReq.id, 'number');
  fake.send({ id: subReq.id, result: [[['mining.notify', 'x']], 'cafe0001', 4], error: null });
  t.same(await sub, { extranonce1: 'cafe0001', extranonce2Size: 4 });

  const auth = client.authorize('alto1worker.rig', 'd=4');
  const authReq = await fake.request(1);
  t.same([authReq.method, authReq.params], ['mining.authorize', ['alto1worker.rig', 'd=4']]);
  // §11.3: set_difficulty, then notify, may come before the authorize response
  fake.send(
    { id: null, method: 'mining.set_difficulty', params: [0.125] },
    { id: null, method: 'mining.notify', params: notifyParams(job({ jobId: 'a' })) },
    { id: authReq.id, result: true, error: null },
    { id: null, method: 'mining.set_difficulty', params: [0.03125] },
    { id: null, method: 'mining.notify', params: notifyParams(job({ jobId: 'b', cleanJobs: false })) },
  );
  t.same(await auth, { result: true, error: null });
  const a = await client.nextNotify();
  const b = await client.nextNotify();
  t.equal(a.jobId, 'a');
  t.equal(a.difficulty, 0.125, 'a job keeps the difficulty in force when it came');
  t.equal(a.cleanJobs, true);
  t.equal(b.jobId, 'b');
  t.equal(b.difficulty, 0.03125);
  t.equal(b.cleanJobs, false);
  t.equal(client.difficulty, 0.03125);
  t.ok(a.atMs !== undefined && b.atMs !== undefined && a.atMs <= b.atMs, 'each job knows when it came');
  t.same(
    client.notifications.map((n) => n.method),
    ['mining.set_difficulty', 'mining.notify', 'mining.set_difficulty', 'mining.notify'],
  );
  t.ok(client.notifications.every((n) => typeof n.atMs === 'number'));

  const submitted = client.submit('alto1worker.rig', {
    jobId: 'b',
    extranonce2: '00000007',
    ntime: b.ntime,
    nonce: '0000beef',
  });
  const subm = await fake.request(2);
  t.same(subm.params, ['alto1worker.rig', 'b', '00000007', b.ntime, '0000beef']);
  fake.send({ id: subm.id, result: null, error: [23, 'Low difficulty share', null] });
  t.same(await submitted, { result: null, error: [23, 'Low difficulty share', null] });
  t.same(client.strays, []);
  t.same(client.malformed, []);
});

test('responses are matched by id when answered out of order', async (t) => {
  const { fake, client } = await subscribed(t);
  const first = client.request('mining.a', [1]);
  const second = client.request('mining.b', [2]);
  const third = client.request('mining.c', [3]);
  const [r1, r2, r3] = [await fake.request(1), await fake.request(2), await fake.request(3)];
  fake.send({ id: r3.id, result: 'c', error: null });
  fake.send({ id: r1.id, result: 'a', error: null }, { id: r2.id, result: 'b', error: null });
  t.same((await first).result, 'a');
  t.same((await second).result, 'b');
  t.same((await third).result, 'c');
  fake.send({ id: 999, result: true, error: null });
  await fake.until(() => client.strays.length === 1);
  t.same(client.strays, [{ id: 999, result: true, error: null }], 'an unknown id is kept aside');
});

test('notifications before and after responses, several lines in one chunk, all in order', async (t) => {
  const { fake, client } = await subscribed(t);
  const pending = client.request('mining.ping', []);
  const req = await fake.request(1);
  fake.sendRaw(
    JSON.stringify({ id: null, method: 'mining.notify', params: notifyParams(job({ jobId: '1' })) }) +
      '\n' +
      JSON.stringify({ id: req.id, result: 'pong', error: null }) +
      '\r\n\n' +
      JSON.stringify({ id: null, method: 'mining.notify', params: notifyParams(job({ jobId: '2' })) }) +
      '\n',
  );
  t.equal((await pending).result, 'pong');
  t.equal((await client.nextNotify()).jobId, '1');
  t.equal((await client.nextNotify()).jobId, '2');
  // a notify waited for before it arrives
  const waiting = client.nextNotify();
  fake.send({ id: null, method: 'mining.notify', params: notifyParams(job({ jobId: '3' })) });
  t.equal((await waiting).jobId, '3');
  await t.rejects(client.nextNotify(100), /no mining.notify within 100 ms/);
});

test('a response split across chunks is read whole', async (t) => {
  const { fake, client } = await subscribed(t);
  const pending = client.request('mining.authorize', ['alto1x', 'x']);
  const req = await fake.request(1);
  const line = JSON.stringify({ id: req.id, result: 'séparé', error: null }) + '\n';
  const bytes = Buffer.from(line, 'utf8');
  for (let i = 0; i < bytes.length; i += 3) {
    fake.socket!.write(bytes.subarray(i, i + 3)); // splits the two-byte é too
    await sleep(2);
  }
  t.same(await pending, { id: req.id, result: 'séparé', error: null });
  t.same(client.malformed, []);
});

test('a malformed notify rejects nextNotify; malformed lines are kept aside', async (t) => {
  const { fake, client } = await subscribed(t);
  fake.send({ id: null, method: 'mining.notify', params: notifyParams(job({ version: '1' })) });
  await t.rejects(client.nextNotify(), /version is not 8 hex/);
  fake.send({ id: null, method: 'mining.notify', params: notifyParams(job({ jobId: 'job-1' })) });
  await t.rejects(client.nextNotify(), /job_id is not a hex string/);
  fake.sendRaw('not json\n[1,2]\n');
  await fake.until(() => client.malformed.length === 2);
  t.same(client.malformed, ['not json', '[1,2]']);
});

test('sendRaw sends the bytes as they are; closed resolves and pending requests fail when the server hangs up', async (t) => {
  const { fake, client } = await subscribed(t);
  client.sendRaw('{"id": 5, "method"');
  client.sendRaw(new Uint8Array([0x3a, 0x20, 0x22]));
  await fake.until(() => Buffer.concat(fake.rawReceived).toString().endsWith('"method": "'));
  t.notOk(Buffer.concat(fake.rawReceived).toString().endsWith('\n'), 'no newline added');
  const pending = client.request('mining.submit', []);
  const notify = client.nextNotify(5_000);
  await fake.until(() => Buffer.concat(fake.rawReceived).toString().includes('mining.submit'));
  fake.socket!.end();
  await client.closed;
  t.notOk(client.isOpen);
  await t.rejects(pending, /connection closed/);
  await t.rejects(notify, /connection closed/);
  await t.rejects(client.request('mining.ping', []), /connection closed/);
});

test('subscribe refuses a result without extranonce1 and size', async (t) => {
  const fake = await FakeServer.start(t);
  const client = await StratumClient.connect(fake.port);
  t.teardown(() => {
    client.close();
  });
  const sub = client.subscribe();
  const req = await fake.request(0);
  fake.send({ id: req.id, result: [[], 'xyz1', 4], error: null });
  await t.rejects(sub, /extranonce1 is not hex/);
  const again = client.subscribe();
  const req2 = await fake.request(1);
  fake.send({ id: req2.id, result: [[], 'cafe0001', 1], error: null });
  await t.rejects(again, /extranonce2 size/);
  t.throws(() => client.buildHeader(job(), EXTRANONCE2, '6564a1b2', 0), /not subscribed/);
});

test("cpuminer-opt's ids: subscribe 1, authorize 2, extranonce.subscribe 3, every submit 4, answered in order", async (t) => {
  const fake = await FakeServer.start(t);
  const client = await StratumClient.connect(fake.port, '127.0.0.1', { ids: 'cpuminer' });
  t.teardown(() => {
    client.close();
  });
  const sub = client.subscribe();
  fake.send({ id: (await fake.request(0)).id, result: [[], EXTRANONCE1, 4], error: null });
  await sub;
  const auth = client.authorize('alto1x');
  fake.send({ id: (await fake.request(1)).id, result: true, error: null });
  await auth;
  const extra = client.extranonceSubscribe();
  fake.send({ id: (await fake.request(2)).id, result: null, error: [20, 'Unknown method', null] });
  t.same(await extra, { result: null, error: [20, 'Unknown method', null] });

  const share = { jobId: '1a', extranonce2: '00000000', ntime: '6564a1b2' };
  const submits = [1, 2, 3].map((n) => client.submit('alto1x', { ...share, nonce: u32ToBeHex(n) }));
  const other = client.request('mining.ping', []);
  for (let n = 3; n <= 6; n++) await fake.request(n);
  t.same(
    fake.received.map((line) => (JSON.parse(line) as { id: number }).id),
    [1, 2, 3, 4, 4, 4, 100],
    'the ids cpuminer-opt writes',
  );
  fake.send(
    { id: 100, result: 'pong', error: null },
    { id: 4, result: true, error: null },
    { id: 4, result: null, error: [22, 'Duplicate share', null] },
    { id: 4, result: null, error: [23, 'Low difficulty share', null] },
  );
  t.same(await Promise.all(submits), [
    { result: true, error: null },
    { result: null, error: [22, 'Duplicate share', null] },
    { result: null, error: [23, 'Low difficulty share', null] },
  ]);
  t.equal((await other).result, 'pong');
  t.same(client.strays, []);
});

test('extranonce2For counts like cpuminer-opt: a little-endian counter from zero', async (t) => {
  t.equal(StratumClient.extranonce2For(0), '00000000');
  t.equal(StratumClient.extranonce2For(1), '01000000');
  t.equal(StratumClient.extranonce2For(256), '00010000');
  t.equal(StratumClient.extranonce2For(0xfffffffe), 'feffffff');
  t.equal(StratumClient.extranonce2For(1, 8), '0100000000000000');
  t.throws(() => StratumClient.extranonce2For(2 ** 32), RangeError);
});
