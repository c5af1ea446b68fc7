// Hostile request/response behaviour for a test peer (helpers/test-peer.ts):
// a peer that claims a chain it does not serve, floods its status, or opens
// streams by the thousand on one connection. Each works on the connection the
// test peer already has to the node and never redials it.
import type { Connection, Stream } from '@libp2p/interface';
import { byteStream } from 'it-byte-stream';
import { protocolName } from '../../src/p2p/reqresp.js';
import { STATUS_LENGTH, encodeStatus, frame, readFrame, type Status } from '../../src/p2p/wire.js';
import type { NetNode } from './network.js';
import type { TestPeer } from './test-peer.js';

/** The test peer's open connection to `node`. */
export function connectionTo(peer: TestPeer, node: Pick<NetNode, 'peerId'>): Connection {
  const connection = peer.host.getConnections().find((c) => c.remotePeer.toString() === node.peerId);
  if (connection === undefined) throw new Error(`the test peer is not connected to ${node.peerId}`);
  return connection;
}

/**
 * Makes `peer` answer each blocks-by-range request with `answer()`, block
 * messages as encodeBlockMessage makes them. Returns the requests seen.
 */
export async function serveRanges(
  peer: TestPeer,
  answer: () => readonly Uint8Array[],
): Promise<{ readonly requests: number }> {
  const seen = { requests: 0 };
  await peer.host.handle(protocolName('regtest', 'blocks-by-range'), ({ stream }) => {
    seen.requests++;
    void (async () => {
      const signal = AbortSignal.timeout(10_000);
      const bytes = byteStream(stream);
      try {
        await readFrame(bytes, 16, { signal });
        for (const message of answer()) await bytes.write(frame(message), { signal });
        await stream.close({ signal });
      } catch (error) {
        stream.abort(error instanceof Error ? error : new Error(String(error)));
      }
    })();
  });
  return seen;
}

/**
 * Makes `peer` read each blocks-by-range request and close the stream without
 * a block: an answer that claims nothing is there. Returns the requests seen.
 */
export async function closeRanges(peer: TestPeer): Promise<{ readonly requests: number }> {
  const seen = { requests: 0 };
  await peer.host.handle(protocolName('regtest', 'blocks-by-range'), ({ stream }) => {
    seen.requests++;
    void (async () => {
      try {
        await readFrame(byteStream(stream), 16, { signal: AbortSignal.timeout(10_000) });
        await stream.close();
      } catch (error) {
        stream.abort(error instanceof Error ? error : new Error(String(error)));
      }
    })();
  });
  return seen;
}

export interface StatusFlood {
  /** Status streams opened, answered by the node's status, and refused or failed. */
  readonly sent: number;
  readonly answered: number;
  readonly refused: number;
  stop(): void;
}

/** One status exchange on `connection` (§10.3): send `status`, read the node's; whether it answered. */
async function sendStatus(connection: Connection, status: Status): Promise<boolean> {
  const signal = AbortSignal.timeout(10_000);
  let stream: Stream | undefined;
  try {
    stream = await connection.newStream(protocolName('regtest', 'status'), {
      signal,
      maxOutboundStreams: 10_000,
    });
    const bytes = byteStream(stream);
    await bytes.write(frame(encodeStatus(status)), { signal });
    const answer = await readFrame(bytes, STATUS_LENGTH, { signal });
    await stream.close({ signal });
    return answer !== null;
  } catch {
    stream?.abort(new Error('refused'));
    return false;
  }
}

/**
 * Sends `status` to `node` every `everyMs` on the existing connection, not
 * waiting for earlier ones, until stopped or the connection closes.
 */
export function floodStatus(
  peer: TestPeer,
  node: Pick<NetNode, 'peerId'>,
  status: Status,
  everyMs: number,
): StatusFlood {
  const connection = connectionTo(peer, node);
  const flood = {
    sent: 0,
    answered: 0,
    refused: 0,
    stop: () => {
      clearInterval(timer);
    },
  };
  const timer = setInterval(() => {
    if (connection.status !== 'open') {
      clearInterval(timer);
      return;
    }
    flood.sent++;
    void sendStatus(connection, status).then((answered) => {
      if (answered) flood.answered++;
      else flood.refused++;
    });
  }, everyMs);
  return flood;
}
