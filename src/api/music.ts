// The current period's provisional settlement (PROTOCOL.md §7.1, §7.3), for
// GET /songs/:id, /listeners/:address and /charts: what settlement would pay
// if the period ended now. It runs settlement's own snapshot reader
// (state/settlement-music.ts) and the real song-value module over the tip's
// state, as KeyConnect of the next settlement height c would — eligibility
// judged at c, the pools accumulated so far, the match rates in force — and
// sums every song's counted plays and seconds from the 0x08 entries that
// snapshot read. That is a
// settlement's cost (≤ 2 s at 10,000 listeners, decision 181), so it runs at
// most once per tip: ProvisionalCache keeps the result of the tip it was
// computed on and recomputes only when a request finds a new tip (decision 188).
import type { Chain } from '../chain/chain.js';
import { type Ineligibility, type SongValueResult } from '../consensus/song-value.js';
import type { NetworkParams } from '../protocol/params.js';
import { PREFIX_LISTENER_SONG, decodeListenerSong, splitListenerSongKey } from '../state/play-entries.js';
import { readMusicSnapshot, songValueOf } from '../state/settlement-music.js';
import type { OverlayState } from '../state/view.js';
import { toHex } from '../util/bytes.js';
import { nextSettlementHeight } from './governance.js';

/** A song's counted plays and seconds this period, by every listener (eligible or not). */
export interface SongPlays {
  readonly plays: bigint;
  readonly seconds: bigint;
}

export interface Provisional {
  /** The tip it was computed on. */
  readonly tip: string;
  readonly tipHeight: bigint;
  /** The period open at the tip, and the height c that settles it. */
  readonly period: bigint;
  readonly settlesAt: bigint;
  readonly result: SongValueResult;
  /** value(s) and m_s by song id (hex). */
  readonly songValues: ReadonlyMap<string, { readonly value: bigint; readonly matched: bigint }>;
  /** w(l) and its credit by eligible listener (hex). */
  readonly weights: ReadonlyMap<string, { readonly value: bigint; readonly matched: bigint }>;
  /** Why each listener with a 0x0A entry is not eligible, by account (hex). */
  readonly ineligible: ReadonlyMap<string, Ineligibility>;
  /** Counted plays and seconds by song id (hex). */
  readonly plays: ReadonlyMap<string, SongPlays>;
  /**
   * Every song with counted plays, by value(s) descending, then counted seconds descending, then id
   * ascending: the chart.
   */
  readonly chart: readonly string[];
}

/** The period open at key height `tip`: the one whose settlement height is next (§6.4). */
export function openPeriod(tip: bigint, params: NetworkParams): { period: bigint; settlesAt: bigint } {
  const settlesAt = nextSettlementHeight(tip, params);
  return { period: (settlesAt - 1n) / BigInt(params.rewardPeriod) - 1n, settlesAt };
}

/** The provisional settlement of the period open after `tipHeight`, on `view` (the tip's state). */
export function provisionalSettlement(
  view: OverlayState,
  tip: { readonly hex: string; readonly keyHeight: bigint },
  params: NetworkParams,
): Provisional {
  const { period, settlesAt } = openPeriod(tip.keyHeight, params);
  const snapshot = readMusicSnapshot(view, view.counters(), settlesAt, params);
  const result = songValueOf(snapshot);
  // The snapshot read every 0x08 entry already (what clearing would delete): no second scan.
  const plays = new Map<string, { plays: bigint; seconds: bigint }>();
  for (const { key, value } of snapshot.periodEntries) {
    if (key[0] !== PREFIX_LISTENER_SONG) continue;
    const id = toHex(splitListenerSongKey(key).songId);
    const entry = decodeListenerSong(value);
    const sum = plays.get(id);
    if (sum === undefined) plays.set(id, { plays: BigInt(entry.plays), seconds: entry.seconds });
    else {
      sum.plays += BigInt(entry.plays);
      sum.seconds += entry.seconds;
    }
  }
  const songValues = new Map(result.songs.map((s) => [s.id, { value: s.value, matched: s.matched }]));
  const valueOf = (id: string): bigint => songValues.get(id)?.value ?? 0n;
  const chart = [...plays.keys()].sort((a, b) => {
    const byValue = valueOf(b) - valueOf(a);
    if (byValue !== 0n) return byValue > 0n ? 1 : -1;
    const bySeconds = plays.get(b)!.seconds - plays.get(a)!.seconds;
    if (bySeconds !== 0n) return bySeconds > 0n ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return {
    tip: tip.hex,
    tipHeight: tip.keyHeight,
    period,
    settlesAt,
    result,
    songValues,
    weights: new Map(result.weights.map((w) => [w.id, { value: w.value, matched: w.matched }])),
    ineligible: new Map(snapshot.ineligible.map(({ account, reason }) => [account, reason])),
    plays,
    chart,
  };
}

/** The provisional settlement of the chain's tip, computed once per tip (decision 188). */
export class ProvisionalCache {
  private cached: Provisional | undefined;
  /** How many times it was computed: tests read it to see requests share one computation. */
  computations = 0;

  constructor(
    private readonly chain: Pick<Chain, 'tip' | 'state'>,
    private readonly params: NetworkParams,
  ) {}

  get(): Provisional {
    const tip = this.chain.tip;
    if (this.cached?.tip === tip.hex) return this.cached;
    this.computations++;
    this.cached = provisionalSettlement(this.chain.state(), tip, this.params);
    return this.cached;
  }
}
