// Transactions (PROTOCOL.md §4): an envelope whose payload is length-prefixed,
// so size and signature can be checked before the type-specific decoding,
// and one payload codec per type. Every type decodes and re-encodes now;
// the state effects of music, staking and governance types come later.
import { sha256d } from '../crypto/hash.js';
import { Reader, Writer } from './codec.js';
import { RuleError } from './errors.js';
import type { NetworkParams } from './params.js';
import { domainMessage } from './signing-domain.js';

export const MAX_TX_BYTES = 200_000;
export const SIGNATURE_OFFSET_FROM_END = 64;
export const ATTESTATION_LENGTH = 168;
/** The unsigned microblock header (§3.3), which Poison carries (§4.12). */
export const MICRO_HEADER_LENGTH = 124;

/** Transaction types by name (§4.1); 11 is reserved: endorsements are not transactions (§4.11). */
export const TxType = {
  Transfer: 1,
  RegisterIdentity: 2,
  RegisterSong: 3,
  Donate: 4,
  Subscribe: 5,
  Stake: 6,
  Unstake: 7,
  PlayReport: 8,
  Proposal: 9,
  Vote: 10,
  Poison: 12,
} as const;
export type TxType = (typeof TxType)[keyof typeof TxType];

export const TX_TYPES: readonly TxType[] = Object.values(TxType);

export interface Split {
  readonly account: Uint8Array;
  readonly bp: number;
}

export interface Attestation {
  readonly songId: Uint8Array;
  readonly listenerKey: Uint8Array;
  readonly startS: bigint;
  readonly seconds: number;
  readonly app: Uint8Array;
  readonly serial: bigint;
  readonly sig: Uint8Array;
}

export type TxPayload =
  | { readonly type: 1; readonly to: Uint8Array; readonly amount: bigint; readonly memo: Uint8Array }
  | { readonly type: 2; readonly roles: number; readonly displayName: string; readonly metadata: Uint8Array }
  | {
      readonly type: 3;
      readonly songId: Uint8Array;
      readonly title: string;
      readonly metadata: Uint8Array;
      readonly durationS: number;
      readonly splits: readonly Split[];
    }
  | {
      readonly type: 4;
      /** 0: a musician account [20]; 1: a song id [32]. */
      readonly targetKind: 0 | 1;
      readonly target: Uint8Array;
      readonly amount: bigint;
      readonly memo: Uint8Array;
    }
  | { readonly type: 5; readonly musician: Uint8Array; readonly amount: bigint; readonly periods: number }
  | {
      readonly type: 6;
      readonly role: 1 | 2 | 3;
      readonly amount: bigint;
      /** Role 2 (app) only. */
      readonly app?: { readonly name: string; readonly serviceKey: Uint8Array };
    }
  | { readonly type: 7; readonly role: 1 | 2 | 3; readonly amount: bigint }
  | { readonly type: 8; readonly app: Uint8Array; readonly attestations: readonly Attestation[] }
  | {
      readonly type: 9;
      readonly kind: 0 | 1;
      readonly votingPeriod: number;
      readonly text: string;
      /** Kind 1 (parameter change) only. */
      readonly change?: { readonly paramId: number; readonly value: bigint };
    }
  | { readonly type: 10; readonly proposalId: Uint8Array; readonly choice: 1 | 2 | 3 }
  | {
      readonly type: 12;
      readonly headerA: Uint8Array;
      readonly sigA: Uint8Array;
      readonly headerB: Uint8Array;
      readonly sigB: Uint8Array;
    };

/** The payload of one transaction type. */
export type PayloadOf<T extends TxType> = Extract<TxPayload, { readonly type: T }>;

export interface Tx {
  readonly version: 1;
  readonly sender: Uint8Array;
  readonly nonce: bigint;
  readonly fee: bigint;
  /** 0: no expiry. */
  readonly validUntil: bigint;
  readonly payload: TxPayload;
  readonly signature: Uint8Array;
}

function writePayload(w: Writer, p: TxPayload): void {
  switch (p.type) {
    case 1:
      w.fixed(p.to, 20).u128(p.amount).bytesOf(p.memo, 256);
      return;
    case 2:
      w.u8(p.roles).string(p.displayName, 64).fixed(p.metadata, 32);
      return;
    case 3:
      w.fixed(p.songId, 32).string(p.title, 128).fixed(p.metadata, 32).u32(p.durationS);
      w.list(p.splits, 16, (lw, s) => lw.fixed(s.account, 20).u16(s.bp));
      return;
    case 4:
      w.u8(p.targetKind)
        .fixed(p.target, p.targetKind === 0 ? 20 : 32)
        .u128(p.amount)
        .bytesOf(p.memo, 256);
      return;
    case 5:
      w.fixed(p.musician, 20).u128(p.amount).u16(p.periods);
      return;
    case 6:
      w.u8(p.role).u128(p.amount);
      if (p.role === 2) {
        if (p.app === undefined) throw new RangeError('an app stake carries a name and a service key');
        w.string(p.app.name, 64).fixed(p.app.serviceKey, 32);
      }
      return;
    case 7:
      w.u8(p.role).u128(p.amount);
      return;
    case 8:
      w.fixed(p.app, 20);
      w.list(p.attestations, 1000, writeAttestation); // in place: a report is re-encoded for each id
      return;
    case 9:
      w.u8(p.kind).u32(p.votingPeriod).string(p.text, 1024);
      if (p.kind === 1) {
        if (p.change === undefined) throw new RangeError('a parameter proposal carries a change');
        w.u16(p.change.paramId).u128(p.change.value);
      }
      return;
    case 10:
      w.fixed(p.proposalId, 32).u8(p.choice);
      return;
    case 12:
      w.fixed(p.headerA, MICRO_HEADER_LENGTH)
        .fixed(p.sigA, 64)
        .fixed(p.headerB, MICRO_HEADER_LENGTH)
        .fixed(p.sigB, 64);
      return;
  }
}

export function encodeAttestation(a: Attestation): Uint8Array {
  return writeAttestation(new Writer(), a).finish();
}

/** §4.9 and §12: at most this many attestations in one PlayReport. */
export const MAX_REPORT_ATTESTATIONS = 1000;

/** The bytes of an attestation its listener signs: everything before `sig` (§4.9). */
export const ATTESTATION_SIGNED_LENGTH = 104;

/** "ALTO/<chainId>/play" ‖ the attestation's first 104 bytes (§4.9); its sig is ignored. */
export function attestationSigningMessage(a: Omit<Attestation, 'sig'>, params: NetworkParams): Uint8Array {
  const bytes = encodeAttestation({ ...a, sig: new Uint8Array(64) });
  return domainMessage(params.chainId, 'play', bytes.subarray(0, ATTESTATION_SIGNED_LENGTH));
}

/** Decodes one attestation that spans all of `bytes` (168 bytes, §4.9). */
export function decodeAttestation(bytes: Uint8Array): Attestation {
  const r = new Reader(bytes);
  const a = readAttestation(r);
  r.end('attestation');
  return a;
}

function writeAttestation(w: Writer, a: Attestation): Writer {
  return w
    .fixed(a.songId, 32)
    .fixed(a.listenerKey, 32)
    .u64(a.startS)
    .u32(a.seconds)
    .fixed(a.app, 20)
    .u64(a.serial)
    .fixed(a.sig, 64);
}

function readAttestation(r: Reader): Attestation {
  return {
    songId: r.fixed(32, 'song_id'),
    listenerKey: r.fixed(32, 'listener_key'),
    startS: r.u64('start_s'),
    seconds: r.u32('seconds'),
    app: r.fixed(20, 'app'),
    serial: r.u64('serial'),
    sig: r.fixed(64, 'attestation sig'),
  };
}

function readRole(r: Reader): 1 | 2 | 3 {
  const role = r.u8('role');
  if (role < 1 || role > 3) throw new RuleError('bad-role', { role });
  return role as 1 | 2 | 3;
}

function readPayload(type: number, r: Reader): TxPayload {
  switch (type) {
    case 1:
      return { type, to: r.fixed(20, 'to'), amount: r.u128('amount'), memo: r.bytesOf(256, 'memo') };
    case 2:
      return {
        type,
        roles: r.u8('roles'),
        displayName: r.string(64, 'display_name'),
        metadata: r.fixed(32, 'metadata'),
      };
    case 3:
      return {
        type,
        songId: r.fixed(32, 'song_id'),
        title: r.string(128, 'title'),
        metadata: r.fixed(32, 'metadata'),
        durationS: r.u32('duration_s'),
        splits: r.list(16, (lr) => ({ account: lr.fixed(20, 'split account'), bp: lr.u16('bp') }), 'splits'),
      };
    case 4: {
      const targetKind = r.u8('target_kind');
      if (targetKind !== 0 && targetKind !== 1) throw new RuleError('bad-target-kind', { targetKind });
      return {
        type,
        targetKind,
        target: r.fixed(targetKind === 0 ? 20 : 32, 'target'),
        amount: r.u128('amount'),
        memo: r.bytesOf(256, 'memo'),
      };
    }
    case 5:
      return { type, musician: r.fixed(20, 'musician'), amount: r.u128('amount'), periods: r.u16('periods') };
    case 6: {
      const role = readRole(r);
      const amount = r.u128('amount');
      if (role !== 2) return { type, role, amount };
      return {
        type,
        role,
        amount,
        app: { name: r.string(64, 'app_name'), serviceKey: r.fixed(32, 'service_key') },
      };
    }
    case 7:
      return { type, role: readRole(r), amount: r.u128('amount') };
    case 8:
      return {
        type,
        app: r.fixed(20, 'app'),
        attestations: r.list(MAX_REPORT_ATTESTATIONS, readAttestation, 'attestations'),
      };
    case 9: {
      const kind = r.u8('kind');
      if (kind !== 0 && kind !== 1) throw new RuleError('bad-proposal-kind', { kind });
      const votingPeriod = r.u32('voting_period');
      const text = r.string(1024, 'text');
      if (kind === 0) return { type, kind, votingPeriod, text };
      return {
        type,
        kind,
        votingPeriod,
        text,
        change: { paramId: r.u16('param_id'), value: r.u128('value') },
      };
    }
    case 10: {
      const proposalId = r.fixed(32, 'proposal_id');
      const choice = r.u8('choice');
      if (choice < 1 || choice > 3) throw new RuleError('bad-choice', { choice });
      return { type, proposalId, choice: choice as 1 | 2 | 3 };
    }
    case 12:
      return {
        type,
        headerA: r.fixed(MICRO_HEADER_LENGTH, 'header_a'),
        sigA: r.fixed(64, 'sig_a'),
        headerB: r.fixed(MICRO_HEADER_LENGTH, 'header_b'),
        sigB: r.fixed(64, 'sig_b'),
      };
    default:
      throw new RuleError('unknown-tx-type', { type });
  }
}

/** The bytes the sender signs, after the domain prefix: everything before the signature. */
export function encodeTxUnsigned(tx: Omit<Tx, 'signature'>): Uint8Array {
  const payload = new Writer();
  writePayload(payload, tx.payload);
  return new Writer()
    .u8(tx.version)
    .u8(tx.payload.type)
    .fixed(tx.sender, 32)
    .u64(tx.nonce)
    .u128(tx.fee)
    .u64(tx.validUntil)
    .bytesOf(payload.finish(), MAX_TX_BYTES)
    .finish();
}

/** The signed message: "ALTO/<chainId>/tx" ‖ every byte before the signature (§2.6, §4.1). */
export function txSigningMessage(tx: Omit<Tx, 'signature'>, params: NetworkParams): Uint8Array {
  return domainMessage(params.chainId, 'tx', encodeTxUnsigned(tx));
}

export function encodeTx(tx: Tx): Uint8Array {
  return new Writer().raw(encodeTxUnsigned(tx)).fixed(tx.signature, 64).finish();
}

export function txEncodedLength(tx: Tx): number {
  return encodeTx(tx).length;
}

/** Decodes one transaction that spans all of `bytes`. */
export function decodeTx(bytes: Uint8Array): Tx {
  // §4.1's own code for the size rule, checked before anything is read.
  if (bytes.length > MAX_TX_BYTES)
    throw new RuleError('tx-too-large', { size: bytes.length, max: MAX_TX_BYTES });
  const r = new Reader(bytes);
  const tx = readTx(r);
  r.end('transaction');
  return tx;
}

/** Reads one transaction from a stream (a microblock's list); checks the size rule of §4.1. */
export function readTx(r: Reader): Tx {
  const start = r.offset;
  const version = r.u8('version');
  if (version !== 1) throw new RuleError('bad-version', { version });
  const type = r.u8('type');
  if (!(TX_TYPES as readonly number[]).includes(type)) throw new RuleError('unknown-tx-type', { type });
  const sender = r.fixed(32, 'sender');
  const nonce = r.u64('nonce');
  const fee = r.u128('fee');
  const validUntil = r.u64('valid_until');
  const payloadBytes = r.bytesOf(MAX_TX_BYTES, 'payload');
  const signature = r.fixed(64, 'signature');
  const size = r.offset - start;
  if (size > MAX_TX_BYTES) throw new RuleError('tx-too-large', { size, max: MAX_TX_BYTES });
  const pr = new Reader(payloadBytes);
  const payload = readPayload(type, pr);
  pr.end('payload');
  return { version: 1, sender, nonce, fee, validUntil, payload, signature };
}

/**
 * Each transaction object's id, computed on first use: a block's connect asks for it three times
 * (the signature cache, the Merkle root, the transaction index) and a 1,000-attestation report is
 * 168 kB to re-encode each time. Keyed by the object, so it can never outlive what it hashes: a Tx is
 * readonly, and a copy with any field changed is another object with its own entry.
 */
const ids = new WeakMap<Tx, Uint8Array>();

/** txid = H2(full encoding incl. signature) (§2.2). A fresh copy: the caller may keep or change it. */
export function txId(tx: Tx): Uint8Array {
  let id = ids.get(tx);
  if (id === undefined) {
    id = sha256d(encodeTx(tx));
    ids.set(tx, id);
  }
  return id.slice();
}
