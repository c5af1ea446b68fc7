// Proof of Activity (PROTOCOL.md §5): which validators a key block draws, how
// it is activated, and the endorsements that activate it. Pure: the caller
// hands in the snapshot's validators (the state after K.prev, §5.1, sorted by
// account id) and the times; nothing here reads the chain.
//
// Verdicts (§10.2). An endorsement or section failure that needs only the
// bytes and the chain id (encoding, index, key, R, signature, count, order)
// is REJECT. `wrong-slot` needs the snapshot of K.prev, so its RuleError says
// IGNORE; the gossip caller turns every endorsement failure into REJECT when
// K.prev is on its best chain (endorsementVerdict). A section is only checked
// while connecting K with M_{h,0}, when the snapshot is the one every node
// computes for K.prev, so every section failure is REJECT.
import { verify } from '../crypto/ed25519.js';
import { sha256d } from '../crypto/hash.js';
import { accountId } from '../protocol/address.js';
import type { Endorsement } from '../protocol/endorsement.js';
import { endorsementSigningMessage } from '../protocol/endorsement.js';
import { RuleError, type GossipAction } from '../protocol/errors.js';
import type { ActivationEntry } from '../protocol/microblock.js';
import { MAINNET, type NetworkParams, type PoaParams } from '../protocol/params.js';
import { equalBytes, toHex } from '../util/bytes.js';
import { InvalidArgumentError } from '../util/errors.js';
import {
  ACTIVATION_BOOTSTRAP,
  ACTIVATION_ENDORSED,
  ACTIVATION_FALLBACK,
  type Activation,
} from './activation.js';
import { firstInvalidSignature, isWellFormedSignature } from './signature.js';

export interface Validator {
  /** The 20-byte account id. */
  readonly account: Uint8Array;
  /** Its stake weight w(a, 1) > 0 in the snapshot (§4.7). */
  readonly weight: bigint;
}

/** Params the draw and the checks read. */
export type ActivityParams = Pick<NetworkParams, 'chainId'> & { readonly poa: PoaParams };

const REJECT = { gossip: 'reject' } as const;
const IGNORE = { gossip: 'ignore' } as const;

function le256(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * §5.2 follow-the-satoshi: x_i = LE256(H2(K.id ‖ u32(i))) mod T for
 * i = 0..slots−1; validator j owns the stake units [Σ_{l<j} s_l, Σ_{l≤j} s_l)
 * in the order given (sorted by account id, §5.1); slot i belongs to the owner
 * of x_i. Returns the owner account of each slot; one validator may own
 * several. T must be > 0: bootstrap (§5.1) is decided before any draw.
 */
export function drawEndorsers(
  keyBlockId: Uint8Array,
  validators: readonly Validator[],
  slots: number = MAINNET.poa.slots,
): Uint8Array[] {
  if (keyBlockId.length !== 32) throw new InvalidArgumentError('bad-length', 'a key block id is 32 bytes');
  // Prefix sums: ends[j] = Σ_{l≤j} s_l, strictly increasing since every s_l > 0.
  const ends: bigint[] = [];
  let total = 0n;
  validators.forEach((v, j) => {
    if (v.weight <= 0n) {
      throw new InvalidArgumentError('bad-weight', `validator ${toHex(v.account)} has weight ${v.weight}`);
    }
    if (j > 0 && compareBytes(validators[j - 1]!.account, v.account) >= 0) {
      throw new InvalidArgumentError(
        'unsorted-validators',
        'validators must be sorted by account id, once each',
      );
    }
    total += v.weight;
    ends.push(total);
  });
  if (total === 0n)
    throw new InvalidArgumentError('no-stake', 'the draw needs T > 0 (§5.1: bootstrap first)');
  const preimage = new Uint8Array(36);
  preimage.set(keyBlockId);
  const view = new DataView(preimage.buffer);
  const owners: Uint8Array[] = [];
  for (let i = 0; i < slots; i++) {
    view.setUint32(32, i, true);
    const x = le256(sha256d(preimage)) % total;
    owners.push(validators[ownerOf(ends, x)]!.account);
  }
  return owners;
}

/** The first j with x < ends[j] (binary search over the prefix sums). */
function ownerOf(ends: readonly bigint[], x: bigint): number {
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < ends[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export type ActivationMode = 'endorsed' | 'bootstrap' | 'fallback';

export interface ActivationModeInput {
  /** T: the snapshot's total validator weight (§5.1). */
  readonly totalStake: bigint;
  /** K.time, unix seconds. */
  readonly keyTime: number;
  /** time(K_{h−1}): the key block of the epoch K builds on. */
  readonly parentEpochKeyTime: number;
}

/**
 * How a valid key block is activated. Bootstrap (§5.1) is decided first: with
 * T < BOOTSTRAP_MIN_VALIDATOR_STAKE nobody is asked to endorse, so a long gap
 * between key blocks is a mining stall, not lost stake, and must not unbond
 * "idle" validators as the fallback's KeyConnect would (decision 126). Then
 * the liveness fallback (§5.4): K.time ≥ time(K_{h−1}) + ACTIVATION_FALLBACK.
 * Otherwise K needs endorsements.
 */
export function activationMode(
  input: ActivationModeInput,
  params: { readonly poa: PoaParams },
): ActivationMode {
  if (input.totalStake < params.poa.bootstrapMinValidatorStake) return 'bootstrap';
  if (input.keyTime >= input.parentEpochKeyTime + params.poa.fallbackS) return 'fallback';
  return 'endorsed';
}

/** The index value of each mode (§9.1 0x12, consensus/activation.ts). */
export function activationOfMode(mode: ActivationMode): Activation {
  switch (mode) {
    case 'endorsed':
      return ACTIVATION_ENDORSED;
    case 'bootstrap':
      return ACTIVATION_BOOTSTRAP;
    case 'fallback':
      return ACTIVATION_FALLBACK;
  }
}

export interface EndorsedSlot {
  readonly index: number;
  readonly validatorKey: Uint8Array;
  /** account(validator_key): the slot's owner, paid floor(V/N) and given last_endorsed (§5.4, §5.5). */
  readonly account: Uint8Array;
}

/** [REJECT] §5.3: index < N; stateless, so checked before anything else. */
function checkIndex(index: number, params: ActivityParams): void {
  if (!Number.isInteger(index) || index < 0 || index >= params.poa.slots) {
    throw new RuleError('bad-endorsement-index', { index, slots: params.poa.slots }, REJECT);
  }
}

/**
 * §5.3 validity of one endorsement of the key block `keyBlockId` whose draw
 * is `slotOwners`: index < N (`bad-endorsement-index`, REJECT), the key and R
 * canonical and the key of full order (§2.3) and the signature valid
 * (`bad-endorsement-signature`, REJECT), account(validator_key) owns slot
 * index (`wrong-slot`, IGNORE unless the caller knows K.prev is on its best
 * chain: endorsementVerdict). Cheapest first; the signature last.
 */
export function checkEndorsement(
  endorsement: Endorsement,
  keyBlockId: Uint8Array,
  slotOwners: readonly Uint8Array[],
  params: ActivityParams,
): EndorsedSlot {
  if (!equalBytes(endorsement.keyBlockId, keyBlockId)) {
    throw new InvalidArgumentError('wrong-key-block', 'the slot owners given are for another key block');
  }
  const { index, validatorKey, sig } = endorsement;
  checkIndex(index, params);
  const details = { keyBlock: toHex(keyBlockId), index };
  if (!isWellFormedSignature(sig, validatorKey)) {
    throw new RuleError(
      'bad-endorsement-signature',
      { ...details, reason: 'key or R not canonical, or a small-order key' },
      REJECT,
    );
  }
  const account = accountId(validatorKey);
  const owner = slotOwners[index];
  if (owner === undefined || !equalBytes(owner, account)) {
    // [IGNORE] by default: the owner comes from the snapshot of K.prev (§10.2).
    throw new RuleError(
      'wrong-slot',
      { ...details, account: toHex(account), owner: owner === undefined ? null : toHex(owner) },
      IGNORE,
    );
  }
  if (!verify(sig, endorsementSigningMessage(keyBlockId, index, params), validatorKey)) {
    throw new RuleError('bad-endorsement-signature', details, REJECT);
  }
  return { index, validatorKey, account };
}

/**
 * The gossip verdict for a failed single endorsement (§10.2): REJECT when the
 * endorsed key block's prev is on the local best chain (the snapshot is then
 * ours too), else the error's own verdict (REJECT for stateless failures).
 */
export function endorsementVerdict(error: RuleError, prevOnBestChain: boolean): GossipAction {
  return prevOnBestChain ? 'reject' : error.gossip;
}

export interface ActivationSectionInput {
  readonly mode: ActivationMode;
  /** The microblock's seq: only M_{h,0} of an endorsed epoch carries endorsements. */
  readonly seq: number;
  readonly keyBlockId: Uint8Array;
  /** drawEndorsers(keyBlockId, snapshot validators); needed only for M_{h,0} of an endorsed epoch. */
  readonly slotOwners?: readonly Uint8Array[];
}

/**
 * §5.4: the activation section of a microblock. Bootstrap and fallback epochs,
 * and every seq > 0, carry none (`bad-activation`). M_{h,0} of an endorsed
 * epoch holds ≥ M entries (`insufficient-endorsements`), indices strictly
 * increasing and < N, each a valid endorsement of K by its slot's owner
 * (`bad-activation`); the signatures are verified in one batch (§2.3), the
 * bisection inside naming the failing entry. All REJECT. Returns the
 * endorsed slots in index order (empty for an empty section).
 */
export function checkActivationSection(
  entries: readonly ActivationEntry[],
  input: ActivationSectionInput,
  params: ActivityParams,
): EndorsedSlot[] {
  if (input.mode !== 'endorsed' || input.seq > 0) {
    if (entries.length > 0) {
      throw new RuleError(
        'bad-activation',
        { reason: 'section must be empty', mode: input.mode, seq: input.seq, entries: entries.length },
        REJECT,
      );
    }
    return [];
  }
  const { keyBlockId, slotOwners } = input;
  if (slotOwners === undefined) {
    throw new InvalidArgumentError('no-draw', 'an endorsed M_{h,0} is checked against the draw of its K');
  }
  if (entries.length < params.poa.required) {
    throw new RuleError(
      'insufficient-endorsements',
      { keyBlock: toHex(keyBlockId), entries: entries.length, required: params.poa.required },
      REJECT,
    );
  }
  const slots: EndorsedSlot[] = [];
  entries.forEach((entry, at) => {
    const details = { keyBlock: toHex(keyBlockId), entry: at, index: entry.index };
    const previous = at > 0 ? entries[at - 1]!.index : -1;
    if (entry.index <= previous || entry.index >= params.poa.slots) {
      throw new RuleError(
        'bad-activation',
        { ...details, reason: 'indices must be strictly increasing and < N', previous },
        REJECT,
      );
    }
    const account = accountId(entry.validatorKey);
    if (!equalBytes(slotOwners[entry.index] ?? new Uint8Array(0), account)) {
      throw new RuleError(
        'bad-activation',
        { ...details, reason: 'wrong-slot', account: toHex(account) },
        REJECT,
      );
    }
    slots.push({ index: entry.index, validatorKey: entry.validatorKey, account });
  });
  const bad = firstInvalidSignature(
    entries.map((e) => ({
      signature: e.sig,
      message: endorsementSigningMessage(keyBlockId, e.index, params),
      key: e.validatorKey,
    })),
  );
  if (bad !== -1) {
    throw new RuleError(
      'bad-activation',
      {
        keyBlock: toHex(keyBlockId),
        entry: bad,
        index: entries[bad]!.index,
        reason: 'bad-endorsement-signature',
      },
      REJECT,
    );
  }
  return slots;
}
