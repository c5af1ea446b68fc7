// One function per transaction type (PROTOCOL.md §4.2–§4.11) that builds the
// payload, fills the envelope and signs "ALTO/<chainId>/tx" ‖ every byte before
// the signature (§2.6, §4.1) with the sender's 32-byte ed25519 seed. Amounts
// are bigint base units (parseAlto turns "1.5" into them). The checks here are
// the payload's own rules a node applies first (amount > 0, splits, durations,
// periods, roles), with the node's codes, so a bad transaction fails before it
// is signed; state rules (balances, roles held, nonces) are the node's.
import { getPublicKey, sign, SIGNATURE_LENGTH } from '../crypto/ed25519.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import { MIN_RELAY_FEE_RATE } from '../protocol/policy.js';
import {
  txEncodedLength,
  txSigningMessage,
  type Attestation,
  type PayloadOf,
  type Tx,
  type TxPayload,
} from '../protocol/tx.js';
import { accountOf, bytesOf, type AccountLike, type BytesLike } from './values.js';

/** The payload limits a node checks first (§4.2–§4.9), so a bad payload fails before it is signed. */
export const LIMITS = {
  /** memo is a bytes(256) (§4.2, §4.5). */
  memoBytes: 256,
  /** A song's split: 1–16 distinct holders whose bp sum to 10,000 (§4.4). */
  splits: 16,
  splitTotalBp: 10_000,
  /** duration_s is 1–7,200 (§4.4). */
  durationS: 7200,
  /** A subscription's periods are 1–366 (§4.6). */
  periods: 366,
  /** A PlayReport carries 1–1,000 attestations (§4.9). */
  attestations: 1000,
} as const;

/** RegisterIdentity's role bits (§4.3). */
export const ROLE_MUSICIAN = 0x01;
export const ROLE_LISTENER = 0x02;

/** The envelope fields a sender picks (§4.1). */
export interface Envelope {
  /** The sender's next nonce: `nextNonce` of GET /accounts/:address. */
  readonly nonce: bigint;
  /** In base units; minimumFee() gives what a node relays. */
  readonly fee: bigint;
  /** The last key height that may contain the tx; 0 or absent: no expiry. */
  readonly validUntil?: bigint;
  /** The network: its chain id goes into the signed message, its HRP reads addresses. */
  readonly params: NetworkParams;
}

/** `payload` in an envelope, signed by `seed`. */
export function signTx(seed: Uint8Array, payload: TxPayload, envelope: Envelope): Tx {
  const unsigned: Omit<Tx, 'signature'> = {
    version: 1,
    sender: getPublicKey(seed),
    nonce: envelope.nonce,
    fee: envelope.fee,
    validUntil: envelope.validUntil ?? 0n,
    payload,
  };
  return { ...unsigned, signature: sign(txSigningMessage(unsigned, envelope.params), seed) };
}

/** The encoded size of a transaction carrying `payload`: every envelope field has a fixed width. */
export function txSize(payload: TxPayload): number {
  return txEncodedLength({
    version: 1,
    sender: new Uint8Array(32),
    nonce: 0n,
    fee: 0n,
    validUntil: 0n,
    payload,
    signature: new Uint8Array(SIGNATURE_LENGTH),
  });
}

/** The fee a node relays for `payload`: its minimum rate (never below §4.14's) × the size. */
export function relayFee(payload: TxPayload, minFeeRate = MIN_RELAY_FEE_RATE): bigint {
  const rate = minFeeRate > MIN_RELAY_FEE_RATE ? minFeeRate : MIN_RELAY_FEE_RATE;
  return rate * BigInt(txSize(payload));
}

/** relayFee, and for a PlayReport at least count × PLAY_FEE (§4.9). */
export function minimumFee(
  payload: TxPayload,
  params: NetworkParams,
  minFeeRate = MIN_RELAY_FEE_RATE,
): bigint {
  const relay = relayFee(payload, minFeeRate);
  if (payload.type !== 8) return relay;
  const plays = BigInt(payload.attestations.length) * params.playFee;
  return plays > relay ? plays : relay;
}

function positive(amount: bigint): bigint {
  if (amount <= 0n) throw new RuleError('bad-amount', { amount, reason: 'must be > 0' });
  return amount;
}

const EMPTY = new Uint8Array();

function memoOf(memo: Uint8Array | string | undefined): Uint8Array {
  const bytes = typeof memo === 'string' ? new TextEncoder().encode(memo) : (memo ?? EMPTY);
  if (bytes.length > LIMITS.memoBytes) {
    throw new RuleError('oversize', { field: 'memo', length: bytes.length, max: LIMITS.memoBytes });
  }
  return bytes;
}

function utf8Within(field: string, text: string, max: number): string {
  const length = new TextEncoder().encode(text).length;
  if (length > max) throw new RuleError('oversize', { field, length, max });
  return text;
}

// §4.2
export interface TransferFields {
  readonly to: AccountLike;
  readonly amount: bigint;
  readonly memo?: Uint8Array | string;
}

export function transferPayload(f: TransferFields, params: NetworkParams): PayloadOf<1> {
  return { type: 1, to: accountOf('to', f.to, params), amount: positive(f.amount), memo: memoOf(f.memo) };
}

export function signTransfer(seed: Uint8Array, f: TransferFields, envelope: Envelope): Tx {
  return signTx(seed, transferPayload(f, envelope.params), envelope);
}

// §4.3

export interface IdentityFields {
  /** ROLE_MUSICIAN | ROLE_LISTENER: 1–3; roles are add-only (a later registration keeps the old ones). */
  readonly roles: number;
  readonly displayName?: string;
  /** 32 bytes; default all zero. */
  readonly metadata?: BytesLike;
}

export function registerIdentityPayload(f: IdentityFields): PayloadOf<2> {
  if (!Number.isInteger(f.roles) || f.roles < 1 || f.roles > 3)
    throw new RuleError('bad-role', { roles: f.roles });
  return {
    type: 2,
    roles: f.roles,
    displayName: utf8Within('display_name', f.displayName ?? '', 64),
    metadata: bytesOf('metadata', f.metadata ?? new Uint8Array(32), 32),
  };
}

export function signRegisterIdentity(seed: Uint8Array, f: IdentityFields, envelope: Envelope): Tx {
  return signTx(seed, registerIdentityPayload(f), envelope);
}

// §4.4

export interface SplitLike {
  readonly account: AccountLike;
  readonly bp: number;
}

export interface SongFields {
  /** Opaque 32 bytes; clients SHOULD use H(master audio file) (§4.4). */
  readonly songId: BytesLike;
  readonly title: string;
  readonly metadata?: BytesLike;
  readonly durationS: number;
  /** Non-empty, at most 16, distinct accounts, each bp > 0, Σ bp = 10,000; immutable once registered. */
  readonly splits: readonly SplitLike[];
}

export function registerSongPayload(f: SongFields, params: NetworkParams): PayloadOf<3> {
  if (!Number.isInteger(f.durationS) || f.durationS < 1 || f.durationS > LIMITS.durationS) {
    throw new RuleError('bad-duration', { durationS: f.durationS, max: LIMITS.durationS });
  }
  const splits = f.splits.map((s) => ({ account: accountOf('split account', s.account, params), bp: s.bp }));
  const seen = new Set(splits.map((s) => s.account.join(',')));
  const total = splits.reduce((sum, s) => sum + s.bp, 0);
  const bad =
    splits.length === 0 ||
    splits.length > LIMITS.splits ||
    seen.size !== splits.length ||
    splits.some((s) => !Number.isInteger(s.bp) || s.bp <= 0 || s.bp > 0xffff) ||
    total !== LIMITS.splitTotalBp;
  if (bad) throw new RuleError('bad-split', { holders: splits.length, total });
  return {
    type: 3,
    songId: bytesOf('songId', f.songId, 32),
    title: utf8Within('title', f.title, 128),
    metadata: bytesOf('metadata', f.metadata ?? new Uint8Array(32), 32),
    durationS: f.durationS,
    splits,
  };
}

export function signRegisterSong(seed: Uint8Array, f: SongFields, envelope: Envelope): Tx {
  return signTx(seed, registerSongPayload(f, envelope.params), envelope);
}

// §4.5
export type DonateFields = (
  | { readonly musician: AccountLike; readonly songId?: undefined }
  | { readonly songId: BytesLike; readonly musician?: undefined }
) & { readonly amount: bigint; readonly memo?: Uint8Array | string };

export function donatePayload(f: DonateFields, params: NetworkParams): PayloadOf<4> {
  const amount = positive(f.amount);
  const memo = memoOf(f.memo);
  if (f.songId !== undefined) {
    return { type: 4, targetKind: 1, target: bytesOf('songId', f.songId, 32), amount, memo };
  }
  return { type: 4, targetKind: 0, target: accountOf('musician', f.musician, params), amount, memo };
}

export function signDonate(seed: Uint8Array, f: DonateFields, envelope: Envelope): Tx {
  return signTx(seed, donatePayload(f, envelope.params), envelope);
}

// §4.6

export interface SubscribeFields {
  readonly musician: AccountLike;
  /** At least periods × MIN_SUBSCRIPTION_PER_PERIOD (the node's current value). */
  readonly amount: bigint;
  readonly periods: number;
}

export function subscribePayload(f: SubscribeFields, params: NetworkParams): PayloadOf<5> {
  if (!Number.isInteger(f.periods) || f.periods < 1 || f.periods > LIMITS.periods) {
    throw new RuleError('bad-periods', { periods: f.periods, max: LIMITS.periods });
  }
  return {
    type: 5,
    musician: accountOf('musician', f.musician, params),
    amount: positive(f.amount),
    periods: f.periods,
  };
}

export function signSubscribe(seed: Uint8Array, f: SubscribeFields, envelope: Envelope): Tx {
  return signTx(seed, subscribePayload(f, envelope.params), envelope);
}

// §4.7, §4.8
export type StakeRole = 1 | 2 | 3;

export interface StakeFields {
  /** 1 validator, 2 app, 3 infrastructure. */
  readonly role: StakeRole;
  readonly amount: bigint;
  /** Role 2 only: the app's name (≤ 64 bytes of UTF-8) and service key (32 bytes). */
  readonly app?: { readonly name: string; readonly serviceKey: BytesLike };
}

function roleOf(role: number): StakeRole {
  if (role !== 1 && role !== 2 && role !== 3) throw new RuleError('bad-role', { role });
  return role;
}

export function stakePayload(f: StakeFields): PayloadOf<6> {
  const role = roleOf(f.role);
  const amount = positive(f.amount);
  if (role !== 2) {
    if (f.app !== undefined)
      throw new RuleError('bad-role', { role, reason: 'only an app stake names an app' });
    return { type: 6, role, amount };
  }
  if (f.app === undefined) throw new RuleError('bad-role', { role, reason: 'an app stake names its app' });
  return {
    type: 6,
    role,
    amount,
    app: {
      name: utf8Within('app_name', f.app.name, 64),
      serviceKey: bytesOf('serviceKey', f.app.serviceKey, 32),
    },
  };
}

export function signStake(seed: Uint8Array, f: StakeFields, envelope: Envelope): Tx {
  return signTx(seed, stakePayload(f), envelope);
}

export interface UnstakeFields {
  readonly role: StakeRole;
  readonly amount: bigint;
}

export function unstakePayload(f: UnstakeFields): PayloadOf<7> {
  return { type: 7, role: roleOf(f.role), amount: positive(f.amount) };
}

export function signUnstake(seed: Uint8Array, f: UnstakeFields, envelope: Envelope): Tx {
  return signTx(seed, unstakePayload(f), envelope);
}

// §4.9

export interface PlayReportFields {
  /** The staked app's account or address; the sender is it or its service key. */
  readonly app: AccountLike;
  /** 1–1,000 listener-signed attestations (signAttestation). */
  readonly attestations: readonly Attestation[];
}

export function playReportPayload(f: PlayReportFields, params: NetworkParams): PayloadOf<8> {
  const count = f.attestations.length;
  if (count < 1 || count > LIMITS.attestations)
    throw new RuleError('bad-count', { count, max: LIMITS.attestations });
  return { type: 8, app: accountOf('app', f.app, params), attestations: f.attestations };
}

export function signPlayReport(seed: Uint8Array, f: PlayReportFields, envelope: Envelope): Tx {
  return signTx(seed, playReportPayload(f, envelope.params), envelope);
}

// §4.10
export interface ProposalFields {
  readonly text: string;
  /** Key blocks, within [MIN_VOTING_PERIOD, MAX_VOTING_PERIOD] (the node checks the bounds). */
  readonly votingPeriod: number;
  /** A parameter change (kind 1); absent: a signal (kind 0). */
  readonly change?: { readonly paramId: number; readonly value: bigint };
}

export function proposalPayload(f: ProposalFields): PayloadOf<9> {
  const text = utf8Within('text', f.text, 1024);
  return f.change === undefined
    ? { type: 9, kind: 0, votingPeriod: f.votingPeriod, text }
    : { type: 9, kind: 1, votingPeriod: f.votingPeriod, text, change: f.change };
}

export function signProposal(seed: Uint8Array, f: ProposalFields, envelope: Envelope): Tx {
  return signTx(seed, proposalPayload(f), envelope);
}

// §4.11
export interface VoteFields {
  /** The proposal's txid. */
  readonly proposalId: BytesLike;
  /** 1 yes, 2 no, 3 abstain. */
  readonly choice: 1 | 2 | 3;
}

export function votePayload(f: VoteFields): PayloadOf<10> {
  // Typed 1 | 2 | 3, but a caller in plain JavaScript may pass anything.
  if (![1, 2, 3].includes(f.choice)) throw new RuleError('bad-choice', { choice: f.choice });
  return { type: 10, proposalId: bytesOf('proposalId', f.proposalId, 32), choice: f.choice };
}

export function signVote(seed: Uint8Array, f: VoteFields, envelope: Envelope): Tx {
  return signTx(seed, votePayload(f), envelope);
}
