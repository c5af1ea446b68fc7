// JSON views of chain objects for API responses: ids and bytes as lowercase
// hex, amounts as decimal strings, accounts as addresses of this network.
import type { AnyBlock } from '../chain/block-store.js';
import { prevOf, type Entry } from '../chain/index-entry.js';
import { accountId, encodeAddress } from '../protocol/address.js';
import { encodeKeyBlock } from '../protocol/key-block.js';
import { encodeMicroblock } from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { encodeTx, txId, type Tx } from '../protocol/tx.js';
import { toHex } from '../util/bytes.js';
import type { TxBody } from '../api-schema/responses.js';

export function blockRefView(entry: Entry): {
  id: string;
  kind: 'key' | 'micro';
  keyHeight: number;
  seq: number | null;
} {
  return {
    id: entry.hex,
    kind: entry.kind,
    keyHeight: Number(entry.keyHeight),
    seq: entry.kind === 'micro' ? entry.seq : null,
  };
}

/** A key block's activation as GET /blocks shows it; endorsers from its M_{h,0} when endorsed. */
export interface KeyActivationView {
  readonly activation: 'endorsed' | 'bootstrap' | 'fallback' | 'candidate';
  readonly endorsers: { readonly index: number; readonly validator: string }[] | null;
}

export function blockView(
  entry: Entry,
  body: AnyBlock,
  bestChain: boolean,
  params: NetworkParams,
  activation?: KeyActivationView,
): Record<string, unknown> {
  const common = {
    ...blockRefView(entry),
    prev: toHex(prevOf(entry)),
    timeMs: Number(entry.timeMs),
    bestChain,
    chainWork: entry.chainWork.toString(),
  };
  if (entry.kind === 'key') {
    const { header, body } = entry.block;
    return {
      ...common,
      version: header.version,
      root: toHex(header.root),
      time: header.time,
      bits: header.bits.toString(16).padStart(8, '0'),
      nonce: header.nonce,
      leaderKey: toHex(body.leaderKey),
      payout: encodeAddress(params.hrp, body.payout),
      extranonce: toHex(body.extranonce),
      aux: toHex(body.aux),
      hex: toHex(encodeKeyBlock(entry.block)),
      ...(activation === undefined ? {} : activation),
    };
  }
  if (body.kind !== 'micro') throw new Error(`the body given for microblock ${entry.hex} is a key block`);
  const { header, leaderSig, txs } = body.block;
  return {
    ...common,
    txRoot: toHex(header.txRoot),
    txCount: header.txCount,
    actHash: toHex(header.actHash),
    leaderSig: toHex(leaderSig),
    txs: txs.map((tx) => toHex(txId(tx))),
    hex: toHex(encodeMicroblock(body.block)),
  };
}

/** Payload fields with bytes as hex and amounts as strings; account fields of transfers as addresses. */
function payloadView(tx: Tx, params: NetworkParams): Record<string, unknown> {
  const p = tx.payload;
  if (p.type === 1) {
    return { type: 1, to: encodeAddress(params.hrp, p.to), amount: p.amount.toString(), memo: toHex(p.memo) };
  }
  return plain(p) as Record<string, unknown>;
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function txView(tx: Tx, params: NetworkParams): TxBody {
  const encoded = encodeTx(tx);
  return {
    id: toHex(txId(tx)),
    version: tx.version,
    type: tx.payload.type,
    sender: toHex(tx.sender),
    from: encodeAddress(params.hrp, accountId(tx.sender)),
    nonce: tx.nonce.toString(),
    fee: tx.fee.toString(),
    validUntil: tx.validUntil.toString(),
    payload: payloadView(tx, params),
    signature: toHex(tx.signature),
    size: encoded.length,
  };
}
