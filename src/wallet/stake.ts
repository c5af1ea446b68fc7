// Signed Stake and Unstake transactions (PROTOCOL.md §4.7, §4.8), over the same
// §2.6 message (protocol/tx.ts) that consensus verifies, like send.ts's transfers.
import { relayFee, signTx } from '../client/sign.js';
import { RuleError } from '../protocol/errors.js';
import { fromHex } from '../util/bytes.js';
import { InvalidArgumentError } from '../util/errors.js';
import { findKey, type Wallet } from './keystore.js';
import type { NetworkParams } from '../protocol/params.js';
import type { Tx, TxPayload } from '../protocol/tx.js';

/** §4.7's roles by the names the CLI takes. */
export const STAKE_ROLES = { validator: 1, app: 2, infrastructure: 3 } as const;
export type StakeRoleName = keyof typeof STAKE_ROLES;

/** app_name is a string(64) (§4.7): at most 64 bytes of UTF-8. */
export const MAX_APP_NAME_BYTES = 64;

export interface AppSpec {
  readonly name: string;
  /** The app's 32-byte ed25519 service key. */
  readonly serviceKey: Uint8Array;
}

export interface StakeSpec {
  /** The staker's 32-byte ed25519 seed. */
  readonly seed: Uint8Array;
  readonly kind: 'stake' | 'unstake';
  readonly role: StakeRoleName;
  readonly amount: bigint;
  /** Required for a stake of role app, refused otherwise. */
  readonly app?: AppSpec;
  /** Default: defaultStakeFee(the payload, minFeeRate). */
  readonly fee?: bigint;
  readonly minFeeRate?: bigint;
  /** The staker's next nonce: `nextNonce` of GET /accounts/:address. */
  readonly nonce: bigint;
  readonly params: NetworkParams;
}

/** The payload of a stake spec; throws `bad-amount` (not > 0) or `bad-flag` (app fields wrong for the role). */
export function stakePayload(spec: Pick<StakeSpec, 'kind' | 'role' | 'amount' | 'app'>): TxPayload {
  // [REJECT] amount > 0 (§4.7, §4.8): no node would relay it.
  if (spec.amount <= 0n) throw new RuleError('bad-amount', { amount: spec.amount, reason: 'must be > 0' });
  const role = STAKE_ROLES[spec.role];
  if (spec.kind === 'unstake') {
    if (spec.app !== undefined) throw new InvalidArgumentError('bad-flag', 'an unstake names no app');
    return { type: 7, role, amount: spec.amount };
  }
  if (role !== 2) {
    if (spec.app !== undefined) throw new InvalidArgumentError('bad-flag', 'only an app stake names an app');
    return { type: 6, role, amount: spec.amount };
  }
  if (spec.app === undefined) {
    throw new InvalidArgumentError('bad-flag', 'an app stake needs --app-name and --service-key');
  }
  const nameBytes = new TextEncoder().encode(spec.app.name).length;
  if (nameBytes > MAX_APP_NAME_BYTES) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--app-name is ${nameBytes} bytes of UTF-8, at most ${MAX_APP_NAME_BYTES}`,
    );
  }
  if (spec.app.serviceKey.length !== 32) {
    throw new InvalidArgumentError('bad-flag', 'a service key is 32 bytes');
  }
  return { type: 6, role, amount: spec.amount, app: spec.app };
}

/** The fee a node relays for `payload`: its minimum rate (never below §4.14's) times the encoded size. */
export const defaultStakeFee = relayFee;

/** A signed Stake (type 6) or Unstake (type 7). */
export function buildStake(spec: StakeSpec): Tx {
  const payload = stakePayload(spec);
  const fee = spec.fee ?? relayFee(payload, spec.minFeeRate);
  return signTx(spec.seed, payload, { nonce: spec.nonce, fee, params: spec.params });
}

/** --role: validator, app or infrastructure. */
export function parseRoleArg(name: string, text: string | undefined): StakeRoleName {
  if (text === undefined) {
    throw new InvalidArgumentError('bad-flag', `${name} is required: validator, app or infrastructure`);
  }
  if (!Object.hasOwn(STAKE_ROLES, text)) {
    throw new InvalidArgumentError(
      'bad-flag',
      `${name} takes validator, app or infrastructure, got '${text}'`,
    );
  }
  return text as StakeRoleName;
}

/** --service-key: 64 hex digits, or the label (or address) of a wallet key whose public key serves. */
export function parseServiceKeyArg(name: string, text: string, wallet: Wallet): Uint8Array {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return fromHex(text.toLowerCase());
  const key = findKey(wallet, text);
  if (key === undefined) {
    throw new InvalidArgumentError(
      'bad-flag',
      `${name} takes 64 hex digits or a key label of the wallet, got '${text}'`,
    );
  }
  return key.publicKey;
}
