// Request/response protocols of PROTOCOL.md §10.3, one request per stream:
// status (both sides send theirs), blocks-by-range and blocks-by-id. Served
// from the best chain within the response cap, with a per-peer rate limit;
// every read has a size limit and the policy timeout of 10 s.
import type { Stream } from '@libp2p/interface';
import { byteStream } from 'it-byte-stream';
import type { Chain } from '../chain/chain.js';
import { ACTIVATION_ENDORSED } from '../consensus/activation.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkName } from '../protocol/params.js';
import type { Logger } from '../util/logger.js';
import type { Host } from './host.js';
import { RateLimit, type RateLimitOptions } from './rate.js';
import {
  KEY_TIP_SEQ,
  MAX_BLOCK_MESSAGE,
  MAX_RESPONSE_BYTES,
  decodeBlockMessage,
  decodeIdsRequest,
  decodeRangeRequest,
  decodeStatus,
  DEFAULT_BOOTSTRAP_STAKE,
  MAX_STATUS_LENGTH,
  encodeBlockMessage,
  encodeIdsRequest,
  encodeRangeRequest,
  encodeStatus,
  frame,
  readFrame,
  type BlockMessage,
  type RangeRequest,
  type Status,
} from './wire.js';

export const REQUEST_TIMEOUT_MS = 10_000;
/** Requests each peer may make per protocol per window before it is refused. */
export const RATE_LIMIT: RateLimitOptions = { requests: 50, windowMs: 10_000 };

/**
 * Streams one peer may hold open at once per protocol; libp2p resets the next
 * one as soon as its protocol is named, before our handler runs. Above what an
 * honest node opens to one peer (sync: at most MAX_PARALLEL = 4 ranges, a
 * status handshake or two).
 */
export const MAX_INBOUND_STREAMS = { status: 2, 'blocks-by-range': 4, 'blocks-by-id': 8 } as const;

export function protocolName(
  network: NetworkName,
  name: 'status' | 'blocks-by-range' | 'blocks-by-id',
): string {
  return `/alto/${network}/${name}/1`;
}

export interface ReqRespModules {
  readonly host: Host;
  readonly network: NetworkName;
  readonly chain: Pick<Chain, 'tip' | 'get' | 'keyAt' | 'epochBlocks' | 'storedBytes'>;
  readonly genesisId: Uint8Array;
  /** Our BOOTSTRAP_MIN_VALIDATOR_STAKE, sent in the status (decision 135); the default when left out. */
  readonly bootstrapStake?: bigint;
  readonly logger: Logger;
  /** A peer's status arrived (on either side of the handshake). */
  readonly onStatus: (peer: string, status: Status) => void;
  /** The peer answered with garbage or broke the protocol. */
  readonly onInvalid: (peer: string, code: string) => void;
}

export function ourStatus(
  chain: Pick<Chain, 'tip'>,
  genesisId: Uint8Array,
  bootstrapStake: bigint = DEFAULT_BOOTSTRAP_STAKE,
): Status {
  const tip = chain.tip;
  return {
    genesisId,
    tipId: tip.id,
    tipKeyHeight: tip.keyHeight,
    tipSeq: tip.kind === 'micro' ? tip.seq : KEY_TIP_SEQ,
    chainWork: tip.chainWork,
    bootstrapStake,
  };
}

/** Best-chain blocks from (key height, start index), at most `maxEpochs` epochs, within the response cap. */
export function rangeResponse(chain: ReqRespModules['chain'], request: RangeRequest): Uint8Array[] {
  const out: Uint8Array[] = [];
  let bytes = 0;
  for (let h = request.keyHeight; h < request.keyHeight + BigInt(request.maxEpochs); h++) {
    const epoch = chain.epochBlocks(h);
    if (epoch.length === 0) break;
    const from = h === request.keyHeight ? request.startIndex : 0;
    let endorsedKeySent = false;
    for (const entry of epoch.slice(from)) {
      const message = chain.storedBytes(entry); // kind ‖ encoding: the §10.3 block message as stored
      // At least one block; past the cap only to finish a non-bootstrap key block with its
      // activation microblock M_{h,0} (§10.3): the key block alone cannot connect (§5.4).
      const finishing = endorsedKeySent && entry.kind === 'micro' && entry.seq === 0;
      if (out.length > 0 && bytes + message.length > MAX_RESPONSE_BYTES && !finishing) return out;
      out.push(message);
      bytes += message.length;
      endorsedKeySent = entry.kind === 'key' && entry.activation === ACTIVATION_ENDORSED;
    }
  }
  return out;
}

export class ReqResp {
  private readonly served = new RateLimit(RATE_LIMIT, { now: Date.now });

  constructor(private readonly mods: ReqRespModules) {}

  async start(): Promise<void> {
    const { host, network } = this.mods;
    for (const protocol of ['status', 'blocks-by-range', 'blocks-by-id'] as const) {
      await host.handle(
        protocolName(network, protocol),
        ({ stream, connection }) => {
          void this.serve(stream, connection.remotePeer.toString(), protocol);
        },
        { maxInboundStreams: MAX_INBOUND_STREAMS[protocol] },
      );
    }
  }

  private async serve(
    stream: Stream,
    peer: string,
    protocol: 'status' | 'blocks-by-range' | 'blocks-by-id',
  ): Promise<void> {
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const bytes = byteStream(stream);
    try {
      // status too: each one may start sync work, and a flood of them cost a sync round each.
      if (!this.served.take(`${peer} ${protocol}`)) {
        this.mods.logger.debug({ peer, protocol }, 'request refused: over the rate limit');
        stream.abort(new Error('rate limited'));
        return;
      }
      if (protocol === 'status') {
        const message = await readFrame(bytes, MAX_STATUS_LENGTH, { signal });
        if (message === null) return;
        const status = decodeStatus(message);
        await bytes.write(
          frame(encodeStatus(ourStatus(this.mods.chain, this.mods.genesisId, this.mods.bootstrapStake))),
          { signal },
        );
        this.mods.onStatus(peer, status);
      } else if (protocol === 'blocks-by-range') {
        const message = await readFrame(bytes, 16, { signal });
        if (message === null) return;
        for (const block of rangeResponse(this.mods.chain, decodeRangeRequest(message))) {
          await bytes.write(frame(block), { signal });
        }
      } else {
        const message = await readFrame(bytes, 1 + 64 * 32, { signal });
        if (message === null) return;
        let sent = 0;
        for (const id of decodeIdsRequest(message)) {
          const entry = this.mods.chain.get(id);
          const block =
            entry === undefined
              ? encodeBlockMessage({ kind: 'unknown' })
              : this.mods.chain.storedBytes(entry);
          if (sent > 0 && sent + block.length > MAX_RESPONSE_BYTES) break;
          await bytes.write(frame(block), { signal });
          sent += block.length;
        }
      }
      await stream.close({ signal });
    } catch (error) {
      this.mods.logger.debug({ err: error, peer, protocol }, 'request failed');
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The status handshake: send ours, read theirs. */
  async status(peer: Host['peerId']): Promise<Status> {
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const stream = await this.mods.host.dialProtocol(peer, protocolName(this.mods.network, 'status'), {
      signal,
    });
    const bytes = byteStream(stream);
    await bytes.write(
      frame(encodeStatus(ourStatus(this.mods.chain, this.mods.genesisId, this.mods.bootstrapStake))),
      { signal },
    );
    const message = await readFrame(bytes, MAX_STATUS_LENGTH, { signal });
    await stream.close({ signal }).catch(() => undefined);
    if (message === null) throw new Error('the peer closed the status stream without its status');
    const status = decodeStatus(message);
    this.mods.onStatus(peer.toString(), status);
    return status;
  }

  /**
   * blocks-by-id (§10.3): the answer to `ids`, at most one message per id, read
   * within the policy timeout. Throws a RuleError if the peer sends more
   * messages than ids or one that does not decode; a timeout or a refused
   * stream throws a plain error.
   */
  async blocksById(peer: Host['peerId'], ids: readonly Uint8Array[]): Promise<BlockMessage[]> {
    const messages: BlockMessage[] = [];
    for await (const message of this.blocks(peer, { ids }, AbortSignal.timeout(REQUEST_TIMEOUT_MS))) {
      if (messages.length === ids.length) {
        throw new RuleError('bad-encoding', { what: 'blocks-by-id response', ids: ids.length });
      }
      messages.push(message);
    }
    return messages;
  }

  /** blocks-by-range or blocks-by-id: the block messages, as they arrive. */
  async *blocks(
    peer: Host['peerId'],
    request: { range: RangeRequest } | { ids: readonly Uint8Array[] },
    signal: AbortSignal,
  ): AsyncGenerator<BlockMessage> {
    const protocol = protocolName(this.mods.network, 'range' in request ? 'blocks-by-range' : 'blocks-by-id');
    const stream = await this.mods.host.dialProtocol(peer, protocol, { signal });
    try {
      const bytes = byteStream(stream);
      await bytes.write(
        frame('range' in request ? encodeRangeRequest(request.range) : encodeIdsRequest(request.ids)),
        { signal },
      );
      let total = 0;
      for (;;) {
        const message = await readFrame(bytes, MAX_BLOCK_MESSAGE, { signal });
        if (message === null) return;
        total += message.length;
        if (total > MAX_RESPONSE_BYTES + 2 * MAX_BLOCK_MESSAGE) {
          this.mods.onInvalid(peer.toString(), 'oversize');
          return;
        }
        yield decodeBlockMessage(message);
      }
    } finally {
      stream.abort(new Error('done'));
    }
  }
}
