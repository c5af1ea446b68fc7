// Per-connection variable share difficulty (PROTOCOL.md §11.4 policy; decision 107). Pure: the
// clock is injected and nothing here does I/O.
//
// Shares of one worker arrive as a Poisson process, about four a minute when the difficulty is
// right, so one minute of them says little: a rule that moves whenever the rate looks 2× off moves
// about once every four minutes for a worker whose difficulty was right. Each retarget therefore
// asks a Poisson test whether the shares seen could plausibly come from a worker for whom the move
// would be wrong, and moves only when that is unlikely:
//
//   time  ──┬─────────┬─────────┬─────────┬────▶   periods of retargetMs, counted from creation
//           │ shares  │ shares  │ shares  │ now      the last WINDOW_PERIODS whole periods are
//           │ exposure│ exposure│ exposure│          tested as 1, 2 and 3-period windows
//
// A period's exposure is Σ dt / hashesPerShare(k) over its time, so the number of shares expected
// from a worker at rate R is R·exposure whatever the exponent was: evidence from before a change
// still counts, at its own difficulty. Memory is WINDOW_PERIODS + 1 buckets per connection.
import { hashesPerShare, MAX_EXPONENT, MIN_EXPONENT } from './difficulty.js';

export interface VardiffOptions {
  /** The aim: one accepted share per this many ms. */
  readonly targetShareMs: number;
  /** At most one change per this many ms; also the length of a window period. */
  readonly retargetMs: number;
  /** At most this many powers of two per change. */
  readonly maxStep: number;
}

export const DEFAULT_VARDIFF: VardiffOptions = { targetShareMs: 15_000, retargetMs: 60_000, maxStep: 2 };

/** Whole periods the rate is measured over (3 minutes at the default 60 s). */
export const WINDOW_PERIODS = 3;
/**
 * Raise only when p < 0.005 that a worker at 4/3 of the aimed rate sends this many shares: at that
 * rate the share interval is 11.25 s, and one power of two harder would put it past 15 s + 50%.
 */
export const RAISE_ALPHA = 0.005;
export const RAISE_REFERENCE_RATE = 4 / 3;
/**
 * Lower only when p < 0.02 that a worker at the aimed rate sends this few: one power of two easier
 * would put its interval below 15 s − 50%. A whole period without a share (p = e^−4 ≈ 0.018) passes.
 */
export const LOWER_ALPHA = 0.02;

interface Period {
  shares: number;
  /** Σ dt / hashesPerShare(k), in ms per hash: expected shares = hash rate × exposure. */
  exposure: number;
}

export class Vardiff {
  private current: number;
  private max: number;
  /** Start of the current period's index 0, and the clock reading exposure was last charged to. */
  private readonly origin: number;
  private charged: number;
  private period = 0;
  /** The most recent periods, oldest first; the last one is still running. */
  private periods: Period[] = [{ shares: 0, exposure: 0 }];
  private evaluated = 0;
  private lastChange: number;

  constructor(
    startExponent: number,
    maxExponent: number,
    private readonly now: () => number,
    private readonly options: VardiffOptions = DEFAULT_VARDIFF,
  ) {
    checkOptions(options);
    this.max = checkedMax(maxExponent);
    if (!Number.isInteger(startExponent)) throw new RangeError(`start exponent ${startExponent}`);
    this.current = Math.min(this.max, Math.max(MIN_EXPONENT, startExponent));
    this.origin = now();
    this.charged = this.origin;
    this.lastChange = this.origin;
  }

  get exponent(): number {
    return this.current;
  }

  /** An accepted share at the current exponent. */
  recordShare(): void {
    this.advance();
    this.running().shares++;
  }

  /**
   * Checks the window; returns the new exponent if it changed now, else undefined. The server calls it
   * after each share and on a timer (a worker whose rate collapsed sends no shares to trigger it).
   * It decides once per period, on the first call after the period ends.
   */
  retarget(): number | undefined {
    const now = this.advance();
    if (this.period <= this.evaluated || now - this.lastChange < this.options.retargetMs) return undefined;
    this.evaluated = this.period;
    const step = this.step();
    if (step === 0) return undefined;
    const next = Math.min(this.max, Math.max(MIN_EXPONENT, this.current + step));
    return next === this.current ? undefined : this.change(next, now);
  }

  /** Returns the new exponent if clamping changed it. A clamp also restarts the wait for a retarget. */
  setMax(maxExponent: number): number | undefined {
    this.max = checkedMax(maxExponent);
    if (this.current <= this.max) return undefined;
    return this.change(this.max, this.advance());
  }

  private change(next: number, now: number): number {
    this.current = next; // exposure up to `now` was charged at the old exponent by advance()
    this.lastChange = now;
    return next;
  }

  private running(): Period {
    return this.periods[this.periods.length - 1] as Period;
  }

  /** Charges the time since the last call to the periods it fell in; returns the clock reading. */
  private advance(): number {
    const now = Math.max(this.now(), this.charged); // a clock that steps back adds no time
    const length = this.options.retargetMs;
    const period = Math.floor((now - this.origin) / length);
    const perHash = 1 / hashesPerShare(this.current);
    if (period - this.period > WINDOW_PERIODS + 1) {
      // A long silence between calls: only the last WINDOW_PERIODS + 1 periods are kept anyway.
      this.period = period - (WINDOW_PERIODS + 1);
      this.charged = this.origin + this.period * length;
      this.periods = [{ shares: 0, exposure: 0 }];
    }
    while (this.period < period) {
      const end = this.origin + (this.period + 1) * length;
      this.running().exposure += (end - this.charged) * perHash;
      this.charged = end;
      this.period++;
      this.periods.push({ shares: 0, exposure: 0 });
      if (this.periods.length > WINDOW_PERIODS + 1) this.periods.shift();
    }
    this.running().exposure += (now - this.charged) * perHash;
    this.charged = now;
    return now;
  }

  /** The step the most significant window asks for, or 0. */
  private step(): number {
    const { targetShareMs, maxStep } = this.options;
    const aimedRate = hashesPerShare(this.current) / targetShareMs; // hashes per ms
    let best: { p: number; step: number } | undefined;
    let shares = 0;
    let exposure = 0;
    // Windows of the last 1, 2, … WINDOW_PERIODS whole periods (the running one is not yet whole).
    for (let i = this.periods.length - 2; i >= 0; i--) {
      const period = this.periods[i] as Period;
      shares += period.shares;
      exposure += period.exposure;
      const expected = aimedRate * exposure; // shares from a worker at the aimed rate
      if (expected <= 0) continue;
      const verdict = judge(shares, expected, maxStep);
      if (verdict !== undefined && (best === undefined || verdict.p < best.p)) best = verdict;
    }
    return best?.step ?? 0;
  }
}

function judge(shares: number, expected: number, maxStep: number): { p: number; step: number } | undefined {
  const ratio = shares / expected;
  if (ratio >= 2) {
    const p = poissonUpperTail(shares, expected * RAISE_REFERENCE_RATE);
    if (p < RAISE_ALPHA) return { p, step: Math.min(maxStep, Math.max(1, Math.round(Math.log2(ratio)))) };
  } else if (ratio <= 0.5) {
    const p = poissonLowerTail(shares, expected);
    const step = shares === 0 ? maxStep : Math.min(maxStep, Math.max(1, -Math.round(Math.log2(ratio))));
    if (p < LOWER_ALPHA) return { p, step: -step };
  }
  return undefined;
}

const LOG_TAIL_EPSILON = Math.log(1e-16);

/** ln(n!): exact sum for small n, Stirling's series (error < 1e-12) above. */
function logFactorial(n: number): number {
  if (n < 64) {
    let sum = 0;
    for (let i = 2; i <= n; i++) sum += Math.log(i);
    return sum;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

function logPoisson(i: number, mean: number): number {
  return -mean + i * Math.log(mean) - logFactorial(i);
}

/** P(N ≥ n) for N ~ Poisson(mean), n ≥ 1.5·mean: the terms shrink by ≤ 2/3 each, so few are summed. */
function poissonUpperTail(n: number, mean: number): number {
  let term = logPoisson(n, mean);
  const first = term;
  let sum = 1; // in units of e^first
  for (let i = n + 1; term - first > LOG_TAIL_EPSILON; i++) {
    term += Math.log(mean / i);
    sum += Math.exp(term - first);
  }
  return Math.min(1, Math.exp(first) * sum);
}

/** P(N ≤ n) for N ~ Poisson(mean), n ≤ mean/2: summed from n down, each term ≤ half the one above. */
function poissonLowerTail(n: number, mean: number): number {
  let term = logPoisson(n, mean);
  const first = term;
  let sum = 1;
  for (let i = n; i > 0 && term - first > LOG_TAIL_EPSILON; i--) {
    term -= Math.log(mean / i);
    sum += Math.exp(term - first);
  }
  return Math.min(1, Math.exp(first) * sum);
}

function checkOptions(options: VardiffOptions): void {
  const { targetShareMs, retargetMs, maxStep } = options;
  if (!(targetShareMs > 0) || !(retargetMs > 0) || !Number.isInteger(maxStep) || maxStep < 1) {
    throw new RangeError(`bad vardiff options ${JSON.stringify(options)}`);
  }
}

function checkedMax(maxExponent: number): number {
  if (!Number.isInteger(maxExponent) || maxExponent < MIN_EXPONENT || maxExponent > MAX_EXPONENT) {
    throw new RangeError(`max exponent ${maxExponent} outside [${MIN_EXPONENT}, ${MAX_EXPONENT}]`);
  }
  return maxExponent;
}
