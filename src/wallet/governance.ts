// Signed Proposal and Vote transactions (PROTOCOL.md §4.10, §4.11), checked
// before they are signed with the same rules a node applies first: the
// parameter whitelist and bounds of §8.3 (consensus/governed-params.ts), the
// voting-period bounds and the text's length, so a bad proposal fails here
// with the node's code instead of costing a request.
import { signTx } from '../client/sign.js';
import { checkParamChange, GOVERNED_PARAMS, type GovernedParam } from '../consensus/governed-params.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import type { Tx, TxPayload } from '../protocol/tx.js';
import { InvalidArgumentError } from '../util/errors.js';
import { parseAmountArg } from './values.js';
import { defaultStakeFee } from './stake.js';

/** text is a string(1024) (§4.10): at most 1,024 bytes of UTF-8. */
export const MAX_PROPOSAL_TEXT_BYTES = 1024;

/** The parameters whose value is an amount: the CLI takes them in ALTO, like every other amount. */
const ALTO_PARAMS = new Set([
  'MIN_STAKE_VALIDATOR',
  'MIN_STAKE_APP',
  'MIN_STAKE_INFRASTRUCTURE',
  'MIN_SUBSCRIPTION_PER_PERIOD',
]);

/** §4.11's choices by the names the CLI takes. */
export const VOTE_CHOICES = { yes: 1, no: 2, abstain: 3 } as const;
export type VoteChoiceName = keyof typeof VOTE_CHOICES;

export interface ProposalSpec {
  readonly text: string;
  readonly votingPeriod: number;
  /** A parameter change (kind 1); absent for a signal (kind 0). */
  readonly change?: { readonly paramId: number; readonly value: bigint };
}

/** The whitelisted parameter `name` names (§8.3), or `param-not-allowed` (exit 2). */
export function parseParamName(name: string): GovernedParam {
  const param = GOVERNED_PARAMS.find((p) => p.name === name.toUpperCase());
  if (param === undefined) {
    throw new InvalidArgumentError(
      'param-not-allowed',
      `param-not-allowed: --param takes one of ${GOVERNED_PARAMS.map((p) => p.name).join(', ')}, got '${name}'`,
    );
  }
  return param;
}

/**
 * A parameter's new value in its unit: ALTO for the amounts (MIN_STAKE_*,
 * MIN_SUBSCRIPTION_PER_PERIOD), else a decimal integer (ms, s, plays, bp); then §4.10's check of
 * whitelist and bounds, `param-out-of-range` (exit 2) naming them.
 */
export function parseParamValue(param: GovernedParam, text: string, params: NetworkParams): bigint {
  const amount = ALTO_PARAMS.has(param.name);
  let value: bigint;
  if (amount) {
    value = parseAmountArg('VALUE', text, { allowZero: true });
  } else if (/^(0|[1-9][0-9]{0,38})$/.test(text)) {
    value = BigInt(text);
  } else {
    throw new InvalidArgumentError(
      'bad-arguments',
      `VALUE of ${param.name} is a whole number, got '${text}'`,
    );
  }
  try {
    checkParamChange(param.id, value, params);
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    const { min, max } = param.bounds(params);
    const unit = amount ? ' base units' : '';
    throw new InvalidArgumentError(
      error.code,
      `${error.code}: ${param.name} takes ${min}–${max}${unit}, got ${value}${unit}`,
    );
  }
  return value;
}

/** --voting-period: key blocks within [MIN_VOTING_PERIOD, MAX_VOTING_PERIOD] (§4.10, §12); default the minimum. */
export function parseVotingPeriod(text: string | undefined, params: NetworkParams): number {
  const { min, max } = params.votingPeriod;
  if (text === undefined) return min;
  const n = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    throw new InvalidArgumentError(
      'bad-voting-period',
      `bad-voting-period: --voting-period takes ${min}–${max} key blocks on ${params.name}, got '${text}'`,
    );
  }
  return n;
}

/** The payload of a proposal; `oversize` (exit 2) when the text passes 1,024 bytes. */
export function proposalPayload(spec: ProposalSpec): TxPayload {
  const bytes = new TextEncoder().encode(spec.text).length;
  if (bytes > MAX_PROPOSAL_TEXT_BYTES) {
    throw new InvalidArgumentError(
      'oversize',
      `the proposal's text is ${bytes} bytes of UTF-8, at most ${MAX_PROPOSAL_TEXT_BYTES}`,
    );
  }
  return spec.change === undefined
    ? { type: 9, kind: 0, votingPeriod: spec.votingPeriod, text: spec.text }
    : { type: 9, kind: 1, votingPeriod: spec.votingPeriod, text: spec.text, change: spec.change };
}

/** yes, no or abstain. */
export function parseChoice(text: string): VoteChoiceName {
  if (!Object.hasOwn(VOTE_CHOICES, text)) {
    throw new InvalidArgumentError('bad-choice', `bad-choice: a vote is yes, no or abstain, got '${text}'`);
  }
  return text as VoteChoiceName;
}

export function votePayload(proposalId: Uint8Array, choice: VoteChoiceName): TxPayload {
  return { type: 10, proposalId, choice: VOTE_CHOICES[choice] };
}

/** The fee a node relays for a governance payload: its minimum rate × the encoded size, as for a stake. */
export const defaultGovernanceFee = defaultStakeFee;

/** `payload` signed by `seed` at `nonce` with `fee`. */
export function buildSigned(
  seed: Uint8Array,
  payload: TxPayload,
  nonce: bigint,
  fee: bigint,
  params: NetworkParams,
): Tx {
  return signTx(seed, payload, { nonce, fee, params });
}
