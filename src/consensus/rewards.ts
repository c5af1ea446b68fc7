// The block subsidy and its split (PROTOCOL.md §6.2, §6.3).
import type { NetworkParams } from '../protocol/params.js';

/** base(h) = BASE >> ⌊(h − 1) / HALVING_INTERVAL⌋ for h ≥ 1; 0 once the shift reaches 64. */
export function baseSubsidy(height: bigint, params: NetworkParams): bigint {
  if (height < 1n) return 0n;
  const halvings = (height - 1n) / BigInt(params.halvingInterval);
  return halvings >= 64n ? 0n : params.baseSubsidy >> halvings;
}

/** Σ base(j) for 1 ≤ j < height, era by era. */
export function cumulativeBase(height: bigint, params: NetworkParams): bigint {
  const interval = BigInt(params.halvingInterval);
  let total = 0n;
  let remaining = height - 1n; // heights 1 .. height − 1
  for (let era = 0n; remaining > 0n && era < 64n; era++) {
    const blocks = remaining < interval ? remaining : interval;
    total += blocks * (params.baseSubsidy >> era);
    remaining -= blocks;
  }
  return total;
}

/** The genesis allocation G (§1.3). */
export function genesisAllocation(params: NetworkParams): bigint {
  return params.genesis.allocations.reduce((sum, a) => sum + a.amount, 0n);
}

/** sched(h) = min(base(h), max(0, CAP − G − Σ_{1≤j<h} base(j))): the subsidy never passes the cap. */
export function scheduledSubsidy(height: bigint, params: NetworkParams): bigint {
  const base = baseSubsidy(height, params);
  const room = params.cap - genesisAllocation(params) - cumulativeBase(height, params);
  if (room <= 0n) return 0n;
  return base < room ? base : room;
}

export interface SubsidySplit {
  /** Apps 15%, to the period app pool. */
  readonly apps: bigint;
  /** Validators 15%, to endorsers (§5.5) or the validator pool. */
  readonly validators: bigint;
  /** Musicians 20%, to the period musician pool. */
  readonly musicians: bigint;
  /** Listeners 10%, to the period listener pool. */
  readonly listeners: bigint;
  /** 60% of the infrastructure share, to the key block's payout (kind 1). */
  readonly miner: bigint;
  /** The rest of the infrastructure share, to the period infrastructure pool. */
  readonly infrastructure: bigint;
}

/** The split of one activated key block's subsidy S (§6.3); the parts sum to S. */
export function splitSubsidy(subsidy: bigint): SubsidySplit {
  const apps = (subsidy * 1500n) / 10000n;
  const validators = (subsidy * 1500n) / 10000n;
  const musicians = (subsidy * 2000n) / 10000n;
  const listeners = (subsidy * 1000n) / 10000n;
  const infra = subsidy - apps - validators - musicians - listeners;
  const miner = (infra * 6000n) / 10000n;
  return { apps, validators, musicians, listeners, miner, infrastructure: infra - miner };
}

/** The Bitcoin-NG fee split (§3.7): 40% to the epoch's leader, the rest to the next. */
export function splitLeaderFees(fees: bigint): { readonly leader: bigint; readonly next: bigint } {
  const leader = (fees * 4000n) / 10000n;
  return { leader, next: fees - leader };
}
