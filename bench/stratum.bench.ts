// The Stratum server's two costs (issue 14):
//  - validating a share: the cheap checks, rebuilding the body and header,
//    one yespower and the target comparisons — against one yespower hash of
//    the CPU miner's nonce scan, so the ratio says how close share checking
//    comes to the hash it cannot avoid;
//  - a new job's fan-out: a clean mining.notify to 1,000 idle connections,
//    from the mining service's event until every connection has its line —
//    against writing one prepared line to the same 1,000 sockets.
import { EventEmitter } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { scanNonces, yespower } from '../src/crypto/pow.js';
import { targetBytes } from '../src/consensus/difficulty.js';
import type { MiningEvents } from '../src/miner/mining.js';
import type { SubmitResult } from '../src/miner/submit.js';
import { keyBlockTemplate, type KeyBlockTemplate } from '../src/miner/template.js';
import { encodeAddress } from '../src/protocol/address.js';
import { encodeKeyBlockHeader } from '../src/protocol/key-block.js';
import { TESTNET } from '../src/protocol/params.js';
import { StratumServer, DEFAULT_STRATUM_OPTIONS } from '../src/stratum/server.js';
import { StratumSession } from '../src/stratum/session.js';
import { createLogger } from '../src/util/logger.js';
import { benchOptionsFromEnv, measure, measureRates, type MeasurementResult } from './harness.js';

const CONNECTIONS = Number(process.env.STRATUM_CONNECTIONS ?? 1000);
const NOW_S = Math.floor(Date.now() / 1000);
const ADDRESS = encodeAddress(TESTNET.hrp, new Uint8Array(20).fill(0x22));
const ACCEPTED: SubmitResult = { accepted: true, reason: null, id: '', result: 'connected' };

function template(): KeyBlockTemplate {
  return keyBlockTemplate(
    {
      prev: { id: new Uint8Array(32).fill(7) } as never,
      height: 5n,
      bits: 0x1f00ffff,
      medianTimePast: NOW_S - 600,
    },
    { leaderKey: new Uint8Array(32).fill(9), payout: new Uint8Array(20).fill(0x22), nowS: NOW_S },
    TESTNET,
  );
}

/** What the server needs of the mining service: one template, always current; 'job' on demand. */
class StubMining extends EventEmitter<MiningEvents> {
  readonly payout = new Uint8Array(20).fill(0x22);
  private readonly current = template();
  template(): KeyBlockTemplate {
    return this.current;
  }
  target(): bigint {
    return this.current.target;
  }
  submit(): SubmitResult {
    return ACCEPTED;
  }
  isCurrent(): boolean {
    return true;
  }
}

function shareValidation(): MeasurementResult {
  let jobId = '';
  const session = new StratumSession({
    hrp: TESTNET.hrp,
    mode: 'solo',
    extranonce1: Uint8Array.from([0, 0, 0, 1]),
    template,
    isCurrent: () => true,
    nextJobId: () => '1',
    maxExponent: () => 0,
    // The hardest testnet share (d = 1): each one is hashed, nearly all are low difficulty (23).
    startExponent: 0,
    hash: yespower,
    submitBlock: () => ACCEPTED,
    now: Date.now,
    send: (message) => {
      if ('method' in message && message.method === 'mining.notify') jobId = message.params[0] as string;
    },
    onShare: () => undefined,
  });
  session.handle({ id: 1, method: 'mining.subscribe', params: [] });
  session.handle({ id: 2, method: 'mining.authorize', params: [ADDRESS, 'x'] });
  const header = encodeKeyBlockHeader(template().block.header);
  const neverMet = targetBytes(0n);
  let nonce = 0;
  return measure({
    title: 'shares validated per second on one core, against the CPU miner hashing one nonce',
    unit: 'shares',
    candidates: [
      {
        name: 'mining.submit validated',
        ours: true,
        fn: () => {
          session.handle({
            id: 3,
            method: 'mining.submit',
            params: [
              ADDRESS,
              jobId,
              '00000000',
              NOW_S.toString(16),
              (nonce++ >>> 0).toString(16).padStart(8, '0'),
            ],
          });
        },
      },
      { name: 'one yespower (nonce scan)', fn: () => scanNonces(header, neverMet, nonce++ >>> 0, 1) },
    ],
  });
}

/** Resolves once `sockets` have each received `lines` more newline-terminated lines. */
function linesArrive(sockets: readonly Socket[], lines: number): Promise<void> {
  return new Promise((resolve) => {
    let waiting = sockets.length;
    for (const socket of sockets) {
      let seen = 0;
      const onData = (chunk: Buffer): void => {
        for (const byte of chunk) if (byte === 0x0a) seen++;
        if (seen < lines) return;
        socket.off('data', onData);
        if (--waiting === 0) resolve();
      };
      socket.on('data', onData);
    }
  });
}

async function fanOut(): Promise<MeasurementResult> {
  const mining = new StubMining();
  const server = await StratumServer.start(
    {
      ...DEFAULT_STRATUM_OPTIONS,
      host: '127.0.0.1',
      port: 0,
      mode: 'solo',
      maxConnections: CONNECTIONS + 10,
      maxConnectionsPerIp: CONNECTIONS + 10,
    },
    { mining, params: TESTNET, now: Date.now, logger: createLogger({ level: 'silent' }) },
  );
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = connect({ port: server.port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      sockets.push(socket);
    }
    // Subscribe and authorize: 2 responses, set_difficulty and the first notify.
    const loggedIn = linesArrive(sockets, 4);
    for (const socket of sockets) {
      socket.write(
        `{"id":1,"method":"mining.subscribe","params":[]}\n{"id":2,"method":"mining.authorize","params":["${ADDRESS}.b","x"]}\n`,
      );
    }
    await loggedIn;
    const line = Buffer.from(
      `${JSON.stringify({ id: null, method: 'mining.notify', params: ['ff', 'x'.repeat(64)] })}\n`,
    );
    const raw = await rawEchoPeers(sockets.length);
    const round = async (ms: number, once: () => Promise<void>): Promise<number> => {
      const started = performance.now();
      let fanOuts = 0;
      while (performance.now() - started < ms) {
        await once();
        fanOuts++;
      }
      return (fanOuts * 1000) / (performance.now() - started);
    };
    const result = await measureRates({
      title: `a clean job fanned out to ${CONNECTIONS} idle Stratum connections`,
      unit: 'fan-outs',
      candidates: [
        {
          name: 'mining.notify to every connection',
          ours: true,
          rate: (ms) =>
            round(ms, async () => {
              const arrived = linesArrive(sockets, 1);
              mining.emit('job', true);
              await arrived;
            }),
        },
        {
          name: 'one prepared line written to as many sockets',
          rate: (ms) =>
            round(ms, async () => {
              const arrived = linesArrive(raw.clients, 1);
              for (const socket of raw.serverSide) socket.write(line);
              await arrived;
            }),
        },
      ],
    });
    raw.close();
    return result;
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.close();
  }
}

/** `count` connected socket pairs on loopback: what the raw-write peer writes to and reads from. */
async function rawEchoPeers(
  count: number,
): Promise<{ clients: Socket[]; serverSide: Socket[]; close: () => void }> {
  const serverSide: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    serverSide.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const clients = Array.from({ length: count }, () => connect({ port, host: '127.0.0.1' }));
  while (serverSide.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    clients,
    serverSide,
    close: () => {
      for (const s of [...clients, ...serverSide]) s.destroy();
      server.close();
    },
  };
}

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const validation = shareValidation();
  log(`[stratum] share validation done; fan-out to ${CONNECTIONS} connections next`);
  return [validation, await fanOut()];
}
