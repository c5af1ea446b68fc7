// The parameters governance may change (PROTOCOL.md §8.3): the whitelist with
// each one's inclusive bounds and its value at genesis, and the two checks a
// change must pass — alone at submission (§4.10), and together with the values
// then in force when it applies (§8.3, the match-rate sum). Values are u128 in
// a parameter's own unit: base units, milliseconds, seconds, plays or basis
// points. The value in force is 0x13's once a change has applied, else §12's:
// every rule reads it through paramInForce, never from NetworkParams.
import { BASE_UNITS_PER_ALTO } from '../protocol/amount.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import type { StateView } from './state-view.js';

export interface GovernedParam {
  /** §8.3's param_id. */
  readonly id: number;
  /** §12's name. */
  readonly name: string;
  /** The inclusive bounds on `params`' network. */
  bounds(params: NetworkParams): { readonly min: bigint; readonly max: bigint };
  /** The value in force until a change applies: §12's. */
  initial(params: NetworkParams): bigint;
}

const ALTO = BASE_UNITS_PER_ALTO;
const fixed = (min: bigint, max: bigint) => (): { min: bigint; max: bigint } => ({ min, max });

export const PARAM_MIN_STAKE_VALIDATOR = 1;
export const PARAM_MIN_STAKE_APP = 2;
export const PARAM_MIN_STAKE_INFRASTRUCTURE = 3;
export const PARAM_MIN_MICROBLOCK_INTERVAL = 4;
export const PARAM_MIN_PLAY_SECONDS = 5;
export const PARAM_MAX_PLAYS_PER_SONG_PER_LISTENER = 6;
export const PARAM_MAX_SECONDS_PER_LISTENER_PER_PERIOD = 7;
export const PARAM_MATCH_MUSICIANS = 8;
export const PARAM_MATCH_LISTENERS = 9;
export const PARAM_MIN_SUBSCRIPTION_PER_PERIOD = 10;
export const PARAM_MATCH_APPS = 11;
export const PARAM_ENGAGEMENT_TARGET = 12;

/** The match rates together stay ≤ 500 bp, so self-dealing never pays (§7.4, §8.3). */
export const MATCH_RATE_SUM_MAX_BP = 500n;
const MATCH_RATES = [PARAM_MATCH_MUSICIANS, PARAM_MATCH_LISTENERS, PARAM_MATCH_APPS] as const;

/** §8.3's whitelist in ascending param_id, the order changes apply in. */
export const GOVERNED_PARAMS: readonly GovernedParam[] = [
  {
    id: PARAM_MIN_STAKE_VALIDATOR,
    name: 'MIN_STAKE_VALIDATOR',
    bounds: fixed(ALTO, 10_000_000n * ALTO),
    initial: (p) => p.minStake.validator,
  },
  {
    id: PARAM_MIN_STAKE_APP,
    name: 'MIN_STAKE_APP',
    bounds: fixed(ALTO, 10_000_000n * ALTO),
    initial: (p) => p.minStake.app,
  },
  {
    id: PARAM_MIN_STAKE_INFRASTRUCTURE,
    name: 'MIN_STAKE_INFRASTRUCTURE',
    bounds: fixed(ALTO, 10_000_000n * ALTO),
    initial: (p) => p.minStake.infrastructure,
  },
  {
    id: PARAM_MIN_MICROBLOCK_INTERVAL,
    name: 'MIN_MICROBLOCK_INTERVAL',
    bounds: (p) => ({ min: p.name === 'regtest' ? 0n : 500n, max: 60_000n }),
    initial: (p) => BigInt(p.minMicroblockIntervalMs),
  },
  {
    id: PARAM_MIN_PLAY_SECONDS,
    name: 'MIN_PLAY_SECONDS',
    bounds: fixed(10n, 300n),
    initial: (p) => BigInt(p.music.minPlaySeconds),
  },
  {
    id: PARAM_MAX_PLAYS_PER_SONG_PER_LISTENER,
    name: 'MAX_PLAYS_PER_SONG_PER_LISTENER',
    bounds: fixed(1n, 1000n),
    initial: (p) => BigInt(p.music.maxPlaysPerSongPerListener),
  },
  {
    id: PARAM_MAX_SECONDS_PER_LISTENER_PER_PERIOD,
    name: 'MAX_SECONDS_PER_LISTENER_PER_PERIOD',
    bounds: fixed(3600n, 86_400n),
    initial: (p) => BigInt(p.music.maxSecondsPerListenerPerPeriod),
  },
  {
    id: PARAM_MATCH_MUSICIANS,
    name: 'MATCH_MUSICIANS',
    bounds: fixed(0n, MATCH_RATE_SUM_MAX_BP),
    initial: (p) => BigInt(p.music.matchMusiciansBp),
  },
  {
    id: PARAM_MATCH_LISTENERS,
    name: 'MATCH_LISTENERS',
    bounds: fixed(0n, MATCH_RATE_SUM_MAX_BP),
    initial: (p) => BigInt(p.music.matchListenersBp),
  },
  {
    id: PARAM_MIN_SUBSCRIPTION_PER_PERIOD,
    name: 'MIN_SUBSCRIPTION_PER_PERIOD',
    bounds: fixed(0n, 1_000_000n * ALTO),
    initial: (p) => p.music.minSubscriptionPerPeriod,
  },
  {
    id: PARAM_MATCH_APPS,
    name: 'MATCH_APPS',
    bounds: fixed(0n, MATCH_RATE_SUM_MAX_BP),
    initial: (p) => BigInt(p.music.matchAppsBp),
  },
  {
    id: PARAM_ENGAGEMENT_TARGET,
    name: 'ENGAGEMENT_TARGET',
    bounds: fixed(3600n, 86_400n),
    initial: (p) => BigInt(p.music.engagementTargetS),
  },
];

const BY_ID = new Map(GOVERNED_PARAMS.map((p) => [p.id, p]));

export function governedParam(id: number): GovernedParam | undefined {
  return BY_ID.get(id);
}

/**
 * [REJECT] A change governance may propose (§4.10): a whitelisted id (`param-not-allowed`) and a
 * value within its bounds (`param-out-of-range`). A match rate alone may be up to 500 bp; the sum
 * is checked when the change applies, against the values then in force.
 */
export function checkParamChange(id: number, value: bigint, params: NetworkParams): GovernedParam {
  const param = governedParam(id);
  if (param === undefined) throw new RuleError('param-not-allowed', { paramId: id });
  const { min, max } = param.bounds(params);
  if (value < min || value > max) {
    throw new RuleError('param-out-of-range', { paramId: id, value: value.toString() });
  }
  return param;
}

/**
 * Whether a change may apply (§8.3): within its bounds and, for a match rate, with the other two
 * rates `inForce` gives keeping the sum ≤ 500 bp. False means it is skipped (status 5).
 */
export function changeFits(
  id: number,
  value: bigint,
  inForce: (id: number) => bigint,
  params: NetworkParams,
): boolean {
  const param = governedParam(id);
  if (param === undefined) return false;
  const { min, max } = param.bounds(params);
  if (value < min || value > max) return false;
  if (!(MATCH_RATES as readonly number[]).includes(id)) return true;
  const sum = MATCH_RATES.reduce((total, rate) => total + (rate === id ? value : inForce(rate)), 0n);
  return sum <= MATCH_RATE_SUM_MAX_BP;
}

/** The value of governed parameter `id` in force in `view`'s state (§8.3): 0x13's, else §12's. */
export function paramInForce(view: Pick<StateView, 'param'>, id: number, params: NetworkParams): bigint {
  const param = governedParam(id);
  if (param === undefined) throw new RangeError(`parameter ${id} is not governed`);
  return view.param(id) ?? param.initial(params);
}
