// A stand-in for the node's HTTP API on 127.0.0.1, port 0: it answers the
// routes the wallet uses from fields a test sets, and records every request
// and every POSTed tx. It checks nothing a real node checks: tests do that
// on `posted`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTx, txId } from '../../src/protocol/tx.js';
import type { TestOwner } from './test-owner.js';
import type { StatusBody, TxBody } from '../../src/api-schema/responses.js';
import { txView } from '../../src/api/views.js';
import { REGTEST } from '../../src/protocol/params.js';

export interface StubAccount {
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly nextNonce: bigint;
  readonly unmatured: bigint;
}

export const STUB_BLOCK = { id: 'b1'.repeat(32), keyHeight: 12, seq: 3 };

export function stubStatus(): StatusBody {
  return {
    network: 'regtest',
    chainId: 'altostream-regtest',
    genesis: REGTEST.genesis.id,
    tip: { id: 'a0'.repeat(32), kind: 'micro', keyHeight: 12, seq: 3 },
    height: 12,
    chainWork: '8190',
    peers: 2,
    peerId: null,
    listen: [],
    sync: { syncing: false, height: 12, target: 12, rate: 0, etaS: null },
    mempool: { count: 4, bytes: 1234, minFeeRate: '100000000000' },
    mining: true,
    hashRate: 1530.5,
    hashes: 0,
    pacedForS: null,
    syncing: false,
    lastBlockAgeS: 7,
    stratum: null,
    validator: null,
  };
}

export class StubNode {
  /** "METHOD /path" of every request, in order. */
  readonly requests: string[] = [];
  /** The hex of every POST /txs body. */
  readonly posted: string[] = [];
  /** By address; an address missing here answers 404 unknown-account. */
  readonly accounts = new Map<string, StubAccount>();
  /** Tests may break it on purpose: the client must refuse what does not match the schema. */
  status: Record<string, unknown> = stubStatus();
  /** When set, POST /txs answers this error instead of accepting. */
  reject: { readonly status: number; readonly code: string; readonly message: string } | undefined;
  /** GET /txs/:id of a posted tx answers 'pending' this many times, then 'confirmed' in STUB_BLOCK. */
  pendingPolls = 0;
  /** GET /txs/:id answers 404 unknown-tx for every id, posted or not. */
  forgetTxs = false;
  private readonly polls = new Map<string, number>();
  private readonly txs = new Map<string, TxBody>();

  private constructor(readonly url: string) {}

  /** Listens until `owner`'s teardown. */
  static async start(owner: TestOwner): Promise<StubNode> {
    const server = createServer((req, res) => {
      stub.handle(req).then(
        ([status, body]) => {
          reply(res, status, body);
        },
        (error: unknown) => {
          reply(res, 500, { code: 'stub-bug', message: String(error) });
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stub = new StubNode(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    owner.teardown(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    );
    return stub;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const path = req.url ?? '';
    this.requests.push(`${req.method ?? ''} ${path}`);
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (req.method === 'GET' && path === '/status') return [200, this.status];
    const account = /^\/accounts\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && account !== null) return this.account(decodeURIComponent(account[1]!));
    if (req.method === 'POST' && path === '/txs') {
      if (req.headers['content-type'] !== 'application/json') {
        return [415, { code: 'bad-content-type', message: 'expected application/json' }];
      }
      return this.submit((JSON.parse(body) as { hex: string }).hex);
    }
    const tx = /^\/txs\/([0-9a-f]+)$/.exec(path);
    if (req.method === 'GET' && tx !== null) return this.tx(tx[1]!);
    return [404, { code: 'not-found', message: `no route ${req.method ?? ''} ${path}` }];
  }

  private account(address: string): [number, unknown] {
    const a = this.accounts.get(address);
    if (a === undefined) return [404, { code: 'unknown-account', message: `no account ${address}` }];
    return [
      200,
      {
        address,
        balance: a.balance.toString(),
        nonce: a.nonce.toString(),
        nextNonce: a.nextNonce.toString(),
        unmatured: a.unmatured.toString(),
      },
    ];
  }

  private submit(hex: string): [number, unknown] {
    this.posted.push(hex);
    if (this.reject !== undefined) return [this.reject.status, this.reject];
    const tx = decodeTx(Buffer.from(hex, 'hex'));
    const id = Buffer.from(txId(tx)).toString('hex');
    this.polls.set(id, 0);
    this.txs.set(id, txView(tx, REGTEST));
    return [200, { id, status: 'pending' }];
  }

  private tx(id: string): [number, unknown] {
    const polls = this.polls.get(id);
    const tx = this.txs.get(id);
    if (polls === undefined || tx === undefined || this.forgetTxs)
      return [404, { code: 'unknown-tx', message: `no tx ${id}` }];
    this.polls.set(id, polls + 1);
    return [
      200,
      polls < this.pendingPolls
        ? { id, status: 'pending', block: null, confirmations: 0, tx }
        : { id, status: 'confirmed', block: STUB_BLOCK, confirmations: 1, tx },
    ];
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A URL where nothing listens: a server bound to port 0, then closed. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return `http://127.0.0.1:${port}`;
}
