// A Stratum v1 client for tests, written from PROTOCOL.md §3.2 and §11.3–§11.4
// alone and behaving like cpuminer-opt (`-a yespower -K Altostream`): it reads
// mining.notify the way cpuminer-opt's `stratum_notify` does, rebuilds the
// header like its `std_build_extraheader` → `std_build_block_header` →
// yespower scanhash (each header word big-endian encoded), submits like
// `std_le_build_stratum_request` and derives the share target like
// `diff_to_hash` with yespower's target factor 65536.
//
// It imports nothing from src/ but the WASM nonce scan: header building,
// target arithmetic and JSON handling are its own, so a bug in the server's
// encoding shows up as a mismatch instead of cancelling out.
import { createHash } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { scanNonces, ALTO_YESPOWER } from '../../src/crypto/pow.js';

export interface Job {
  jobId: string;
  prevhash: string;
  coinb1: string;
  coinb2: string;
  merkleBranch: string[];
  version: string;
  nbits: string;
  ntime: string;
  cleanJobs: boolean;
  /** The difficulty in force when the notify came (cpuminer-opt: `job.diff = next_diff`). */
  difficulty: number;
  /** When the notify arrived (Date.now()), for latency checks. */
  atMs?: number;
}

export interface Share {
  jobId: string;
  extranonce2: string;
  /** 8 hex, big-endian, as submitted. */
  ntime: string;
  /** 8 hex, big-endian, as submitted; the header carries it little-endian. */
  nonce: string;
  /** The 80 bytes hashed. */
  header: Uint8Array;
  hash: Uint8Array;
}

export interface StratumResponse {
  id: number;
  result: unknown;
  error: unknown;
}

export interface StratumNotification {
  method: string;
  params: unknown[];
  atMs: number;
}

export interface StratumClientOptions {
  /** A request not answered within this long rejects (so a silent server fails the test, not tap's timeout). */
  requestTimeoutMs?: number;
  /**
   * 'sequential' (default): every request its own id, from 1. 'cpuminer': cpuminer-opt's
   * fixed ids — subscribe 1, authorize 2, mining.extranonce.subscribe 3, every mining.submit 4 —
   * so several submits share an id and their responses are matched in order.
   */
  ids?: 'sequential' | 'cpuminer';
}

/** The ids cpuminer-opt writes into its request strings (util.c, cpu-miner.c). */
export const CPUMINER_IDS: Readonly<Record<string, number>> = Object.freeze({
  'mining.subscribe': 1,
  'mining.authorize': 2,
  'mining.extranonce.subscribe': 3,
  'mining.submit': 4,
});
/** In 'cpuminer' mode, other requests are numbered from here, clear of cpuminer-opt's ids. */
const CPUMINER_OTHER_IDS_FROM = 100;

interface Waiter {
  resolve: (r: StratumResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export const HEADER_BYTES = 80;
/** §3.2: the key block's body, which the coinbase split rebuilds. */
export const BODY_BYTES = 104;
/** What cpuminer-opt uses before any mining.set_difficulty arrives. */
export const DEFAULT_DIFFICULTY = 1;
/** cpuminer-opt's `opt_target_factor` for yespower: Stratum difficulty 1 is 2^16 times diff_to_hash's 1. */
export const YESPOWER_TARGET_FACTOR = 65536;
export const DEFAULT_MAX_NONCES = 10_000;
export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const USER_AGENT = 'altostream-test-client/1.0';
/** cpuminer-opt accepts an extranonce2 size in [2, 16] (`stratum_parse_extranonce`). */
const MIN_EXTRANONCE2_SIZE = 2;
const MAX_EXTRANONCE2_SIZE = 16;
const SCAN_CHUNK = 256;
const TWO_128 = 1n << 128n;

export class StratumClient {
  readonly notifications: StratumNotification[] = [];
  /** Lines that were not JSON objects, as received. */
  readonly malformed: string[] = [];
  /** Responses whose id matched no pending request. */
  readonly strays: StratumResponse[] = [];
  readonly closed: Promise<void>;
  extranonce1: string | undefined;
  extranonce2Size: number | undefined;

  private buffer = '';
  private nextId: number;
  private currentDifficulty: number | undefined;
  private isClosed = false;
  /** Requests awaiting a response, by id; one id may hold several (cpuminer-opt's submits), answered in order. */
  private readonly pending = new Map<number, Waiter[]>();
  /** Every mining.notify with the difficulty in force when it came, in order. */
  private readonly jobs: { params: unknown[]; difficulty: number; atMs: number }[] = [];
  private jobsTaken = 0;
  private jobWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  private readonly requestTimeoutMs: number;
  private readonly ids: 'sequential' | 'cpuminer';

  private constructor(
    private readonly socket: Socket,
    options: StratumClientOptions,
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.ids = options.ids ?? 'sequential';
    this.nextId = this.ids === 'cpuminer' ? CPUMINER_OTHER_IDS_FROM : 1;
    socket.setEncoding('utf8'); // a multi-byte character split across chunks stays whole
    socket.setNoDelay(true);
    socket.on('data', (text: string) => {
      this.feed(text);
    });
    socket.on('error', () => {
      // 'close' follows; ECONNRESET from a server that hangs up is expected in error tests
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.onClose();
        resolve();
      });
    });
  }

  static connect(
    port: number,
    host = '127.0.0.1',
    options: StratumClientOptions = {},
  ): Promise<StratumClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ port, host });
      const onError = (err: Error): void => {
        reject(err);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new StratumClient(socket, options));
      });
    });
  }

  /** The last mining.set_difficulty. */
  get difficulty(): number | undefined {
    return this.currentDifficulty;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** One JSON-RPC request; resolves with the response that carries its id. */
  request(method: string, params: unknown[]): Promise<StratumResponse> {
    if (this.isClosed) return Promise.reject(new Error(`${method}: connection closed`));
    const id = (this.ids === 'cpuminer' ? CPUMINER_IDS[method] : undefined) ?? this.nextId++;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.dropWaiter(id, waiter);
          reject(new Error(`${method} (id ${id}): no response within ${this.requestTimeoutMs} ms`));
        }, this.requestTimeoutMs),
      };
      const queue = this.pending.get(id);
      if (queue === undefined) this.pending.set(id, [waiter]);
      else queue.push(waiter);
      this.socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  async subscribe(): Promise<{ extranonce1: string; extranonce2Size: number }> {
    const response = await this.request('mining.subscribe', [USER_AGENT]);
    if (response.error !== null && response.error !== undefined) {
      throw new Error(`mining.subscribe failed: ${JSON.stringify(response.error)}`);
    }
    // §11.3: [[["mining.set_difficulty", id], ["mining.notify", id]], extranonce1, size]
    const result = response.result;
    if (!Array.isArray(result) || result.length < 3) {
      throw new Error(
        `mining.subscribe: result is not [subscriptions, extranonce1, size]: ${JSON.stringify(result)}`,
      );
    }
    const [, extranonce1, size] = result as unknown[];
    if (typeof extranonce1 !== 'string' || !isHex(extranonce1) || extranonce1.length === 0) {
      throw new Error(`mining.subscribe: extranonce1 is not hex: ${JSON.stringify(extranonce1)}`);
    }
    if (
      typeof size !== 'number' ||
      !Number.isInteger(size) ||
      size < MIN_EXTRANONCE2_SIZE ||
      size > MAX_EXTRANONCE2_SIZE
    ) {
      throw new Error(
        `mining.subscribe: extranonce2 size is not an integer in [2, 16]: ${JSON.stringify(size)}`,
      );
    }
    this.extranonce1 = extranonce1;
    this.extranonce2Size = size;
    return { extranonce1, extranonce2Size: size };
  }

  async authorize(user: string, password = 'x'): Promise<{ result: unknown; error: unknown }> {
    const { result, error } = await this.request('mining.authorize', [user, password]);
    return { result, error };
  }

  /**
   * cpuminer-opt's extranonce2 for its n-th work on one job: a little-endian counter from 0
   * (`stratum_gen_work` zeroes it on a new job id and increments byte 0 upward after each use).
   */
  static extranonce2For(counter: number, size = 4): string {
    if (!Number.isInteger(counter) || counter < 0 || counter >= 2 ** (8 * Math.min(size, 6))) {
      throw new RangeError(`extranonce2 counter ${counter} does not fit ${size} bytes`);
    }
    let hex = '';
    let rest = counter;
    for (let i = 0; i < size; i++) {
      hex += (rest % 256).toString(16).padStart(2, '0');
      rest = Math.floor(rest / 256);
    }
    return hex;
  }

  /** cpuminer-opt sends this right after a successful authorize; §11.3 answers it with error 20. */
  async extranonceSubscribe(): Promise<{ result: unknown; error: unknown }> {
    const { result, error } = await this.request('mining.extranonce.subscribe', []);
    return { result, error };
  }

  /** The next mining.notify not yet taken, parsed as cpuminer-opt parses it; rejects if malformed. */
  async nextNotify(timeoutMs = DEFAULT_NOTIFY_TIMEOUT_MS): Promise<Job> {
    if (this.jobsTaken >= this.jobs.length) {
      if (this.isClosed) throw new Error('no mining.notify: connection closed');
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          this.jobWaiters = this.jobWaiters.filter((w) => w !== waiter);
          reject(new Error(`no mining.notify within ${timeoutMs} ms`));
        }, timeoutMs);
        this.jobWaiters.push(waiter);
      });
    }
    const entry = this.jobs[this.jobsTaken++]!;
    return { ...parseNotify(entry.params, entry.difficulty), atMs: entry.atMs };
  }

  /**
   * cpuminer-opt's body: coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2
   * (`stratum_notify` lays the coinbase out this way; §3.2's 104-byte body).
   */
  coinbase(job: Job, extranonce2: string): Uint8Array {
    const extranonce1 = this.requireExtranonce1();
    if (this.extranonce2Size !== undefined && extranonce2.length !== 2 * this.extranonce2Size) {
      throw new Error(`extranonce2 must be ${this.extranonce2Size} bytes, got "${extranonce2}"`);
    }
    return concat(
      hexToBytes(job.coinb1, 'coinb1'),
      hexToBytes(extranonce1, 'extranonce1'),
      hexToBytes(extranonce2, 'extranonce2'),
      hexToBytes(job.coinb2, 'coinb2'),
    );
  }

  /**
   * The 80 bytes cpuminer-opt hashes: version (BE hex → u32 → LE bytes) ‖
   * prev (prevhash with each 4-byte word reversed back) ‖ root ‖ ntime LE ‖
   * nbits LE ‖ nonce LE, root = sha256d(body) folded with the merkle branch
   * (`sha256d_gen_merkle_root`; §3.2 sends it empty).
   */
  buildHeader(job: Job, extranonce2: string, ntime: string, nonce: number): Uint8Array {
    if (!Number.isInteger(nonce) || nonce < 0 || nonce > 0xffffffff)
      throw new Error(`nonce ${nonce} is not a u32`);
    let root = sha256d(this.coinbase(job, extranonce2));
    for (const [i, branch] of job.merkleBranch.entries()) {
      root = sha256d(concat(root, hexToBytes(branch, `merkle branch ${i}`, 32)));
    }
    const header = new Uint8Array(HEADER_BYTES);
    const view = new DataView(header.buffer);
    view.setUint32(0, beHexToU32(job.version, 'version'), true);
    const prev = hexToBytes(job.prevhash, 'prevhash', 32);
    for (let word = 0; word < 8; word++) {
      for (let b = 0; b < 4; b++) header[4 + 4 * word + b] = prev[4 * word + 3 - b]!;
    }
    header.set(root, 36);
    view.setUint32(68, beHexToU32(ntime, 'ntime'), true);
    view.setUint32(72, beHexToU32(job.nbits, 'nbits'), true);
    view.setUint32(76, nonce, true);
    return header;
  }

  /**
   * §11.4: floor(2^112/d)·2^128 + 2^128 − 1, cpuminer-opt's `diff_to_hash(d / 65536)`
   * (high 128 bits (65536/d)·2^96, low 128 bits all ones), exact in BigInt for any
   * finite d > 0. Throws where cpuminer-opt's high half would not fit 128 bits (d ≤ 2^−16).
   */
  static shareTarget(difficulty: number): bigint {
    if (!Number.isFinite(difficulty) || difficulty <= 0) {
      throw new RangeError(`difficulty must be finite and > 0, got ${difficulty}`);
    }
    // d = n / 2^e exactly: doubling a double is exact until it is an integer.
    let n = difficulty;
    let e = 0n;
    while (!Number.isInteger(n)) {
      n *= 2;
      e++;
    }
    const high = (1n << (112n + e)) / BigInt(n);
    if (high >= TWO_128) {
      throw new RangeError(
        `difficulty ${difficulty}: the target's high half passes 2^128 (cpuminer-opt needs d > 2^-16)`,
      );
    }
    return high * TWO_128 + TWO_128 - 1n;
  }

  /** A 256-bit target as the 32 little-endian bytes `meetsTarget` compares. */
  static targetBytes(target: bigint): Uint8Array {
    if (target < 0n || target >= 1n << 256n) throw new RangeError(`target ${target} is not 256-bit`);
    const out = new Uint8Array(32);
    let rest = target;
    for (let i = 0; i < 32; i++) {
      out[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
    return out;
  }

  /** LE256(hash) (§3.2): the number a hash is compared as. */
  static hashValue(hash: Uint8Array): bigint {
    let value = 0n;
    for (let i = hash.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(hash[i]!);
    return value;
  }

  /** target(bits) of §3.6 from notify's nbits hex, or null where §3.6 calls it invalid. */
  static bitsTarget(nbits: string): bigint | null {
    const bits = beHexToU32(nbits, 'nbits');
    const exponent = bits >>> 24;
    const mantissa = bits & 0x7fffff;
    if ((bits & 0x800000) !== 0 && mantissa !== 0) return null;
    const target =
      exponent <= 3
        ? BigInt(mantissa >>> (8 * (3 - exponent)))
        : BigInt(mantissa) << BigInt(8 * (exponent - 3));
    return target >= 1n << 256n ? null : target;
  }

  /** Scans nonces with the WASM yespower until a hash meets the job's share target; null after maxNonces. */
  findShare(
    job: Job,
    options: { extranonce2?: string; ntime?: string; maxNonces?: number; startNonce?: number } = {},
  ): Share | null {
    const extranonce2 = options.extranonce2 ?? '00'.repeat(this.extranonce2Size ?? 4);
    const ntime = options.ntime ?? job.ntime;
    const maxNonces = options.maxNonces ?? DEFAULT_MAX_NONCES;
    const shareTarget = StratumClient.shareTarget(job.difficulty);
    const target = StratumClient.targetBytes(shareTarget);
    const header = this.buildHeader(job, extranonce2, ntime, 0);
    const start = options.startNonce ?? 0;
    for (let done = 0; done < maxNonces && start + done <= 0xffffffff; done += SCAN_CHUNK) {
      const count = Math.min(SCAN_CHUNK, maxNonces - done, 0x100000000 - (start + done));
      const hit = scanNonces(header, target, start + done, count, ALTO_YESPOWER);
      if (hit === null) continue;
      const hashed = this.buildHeader(job, extranonce2, ntime, hit.nonce);
      if (StratumClient.hashValue(hit.hash) > shareTarget) {
        throw new Error('scanNonces returned a hash above the share target');
      }
      return {
        jobId: job.jobId,
        extranonce2,
        ntime,
        nonce: u32ToBeHex(hit.nonce),
        header: hashed,
        hash: hit.hash,
      };
    }
    return null;
  }

  /** cpuminer-opt's mining.submit: [worker, job_id, extranonce2, ntime, nonce], hex as built. */
  async submit(
    worker: string,
    share: Pick<Share, 'jobId' | 'extranonce2' | 'ntime' | 'nonce'>,
  ): Promise<{ result: unknown; error: unknown }> {
    const { result, error } = await this.request('mining.submit', [
      worker,
      share.jobId,
      share.extranonce2,
      share.ntime,
      share.nonce,
    ]);
    return { result, error };
  }

  /** For error tests: raw bytes as they are (no newline added). */
  sendRaw(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }

  private dropWaiter(id: number, waiter: Waiter): void {
    const rest = (this.pending.get(id) ?? []).filter((w) => w !== waiter);
    if (rest.length === 0) this.pending.delete(id);
    else this.pending.set(id, rest);
  }

  private requireExtranonce1(): string {
    if (this.extranonce1 === undefined) throw new Error('not subscribed: no extranonce1');
    return this.extranonce1;
  }

  /** Newline-delimited JSON: partial lines wait for the rest, a chunk may hold several lines. */
  private feed(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      if (line.trim() !== '') this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.malformed.push(line);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.malformed.push(line);
      return;
    }
    const m = message as Record<string, unknown>;
    if (typeof m.method === 'string') {
      const params = Array.isArray(m.params) ? (m.params as unknown[]) : [];
      const atMs = Date.now();
      this.notifications.push({ method: m.method, params, atMs });
      this.onNotification(m.method, params, atMs);
      return;
    }
    if (typeof m.id !== 'number') {
      this.malformed.push(line);
      return;
    }
    const response: StratumResponse = { id: m.id, result: m.result, error: m.error };
    const waiter = this.pending.get(m.id)?.[0];
    if (waiter === undefined) {
      this.strays.push(response);
      return;
    }
    this.dropWaiter(m.id, waiter);
    clearTimeout(waiter.timer);
    waiter.resolve(response);
  }

  private onNotification(method: string, params: unknown[], atMs: number): void {
    if (method === 'mining.set_difficulty') {
      // cpuminer-opt ignores a difficulty that is not a non-zero number; so does this client
      const d = params[0];
      if (typeof d === 'number' && d !== 0) this.currentDifficulty = d;
    } else if (method === 'mining.notify') {
      this.jobs.push({ params, difficulty: this.currentDifficulty ?? DEFAULT_DIFFICULTY, atMs });
      const waiters = this.jobWaiters;
      this.jobWaiters = [];
      for (const w of waiters) w.resolve();
    }
  }

  private onClose(): void {
    this.isClosed = true;
    for (const [id, queue] of this.pending) {
      for (const waiter of queue) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`request ${id}: connection closed before a response`));
      }
    }
    this.pending.clear();
    for (const w of this.jobWaiters) w.reject(new Error('no mining.notify: connection closed'));
    this.jobWaiters = [];
  }
}

/** mining.notify [job_id, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean] (§11.3). */
export function parseNotify(params: unknown[], difficulty: number): Job {
  const [jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean] = params;
  const hexField = (value: unknown, name: string, chars?: number): string => {
    if (typeof value !== 'string' || !isHex(value) || (chars !== undefined && value.length !== chars)) {
      throw new Error(
        `mining.notify: ${name} is not ${chars ?? 'even-length'} hex: ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  // §11.3: job ids are hex (cpuminer-opt compares them with strtoul(id, NULL, 16))
  if (typeof jobId !== 'string' || !/^[0-9a-fA-F]+$/.test(jobId))
    throw new Error(`mining.notify: job_id is not a hex string: ${JSON.stringify(jobId)}`);
  if (!Array.isArray(branch))
    throw new Error(`mining.notify: merkle branch is not an array: ${JSON.stringify(branch)}`);
  return {
    jobId,
    prevhash: hexField(prevhash, 'prevhash', 64),
    coinb1: hexField(coinb1, 'coinb1'),
    coinb2: hexField(coinb2, 'coinb2'),
    merkleBranch: (branch as unknown[]).map((b, i) => hexField(b, `merkle branch ${i}`, 64)),
    version: hexField(version, 'version', 8),
    nbits: hexField(nbits, 'nbits', 8),
    ntime: hexField(ntime, 'ntime', 8),
    cleanJobs: clean === true, // cpuminer-opt: json_is_true
    difficulty,
  };
}

function isHex(s: string): boolean {
  return s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s);
}

function hexToBytes(hex: string, name: string, bytes?: number): Uint8Array {
  if (!isHex(hex)) throw new Error(`${name} is not hex: "${hex}"`);
  if (bytes !== undefined && hex.length !== 2 * bytes)
    throw new Error(`${name} must be ${bytes} bytes: "${hex}"`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** cpuminer-opt: hex2bin then le32dec then be32enc, i.e. the hex read as a big-endian u32. */
function beHexToU32(hex: string, name: string): number {
  if (!isHex(hex) || hex.length !== 8) throw new Error(`${name} must be 8 hex, got "${hex}"`);
  return parseInt(hex, 16);
}

export function u32ToBeHex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sha256d(data: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(data).digest();
  return new Uint8Array(createHash('sha256').update(once).digest());
}
