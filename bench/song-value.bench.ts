// Proof of Song Value under attack (PROTOCOL.md §7.3, §7.4, §8.4), through the
// real code: consensus/song-value.ts settles each period, its ineligibility()
// decides who counts, and state/settlement.ts's votingRewards() pays §8.4.
// One mainnet period: pools of 1,440 key blocks (musicians 3,600, listeners
// 1,800, apps 2,700 ALTO), match rates 300/100/100 bp, ENGAGEMENT_TARGET
// 36,000 s; 10,000 honest listeners paying 1–20 ALTO each and playing ~20 of
// 1,000 songs drawn by Zipf popularity through 10 apps.
//
// Attackers, each measured as its net ALTO against the same period without it:
// - a bot farm of B registered listener accounts that only play (no payment),
//   all on the attacker's song through the attacker's app: it pays PLAY_FEE per
//   attestation and is not eligible (§7.1, no support), so it moves nothing;
// - a self-dealer who donates P to its own musician, plays only its own song
//   (ENGAGEMENT_TARGET seconds, full weight) through its own app, and holds a
//   share s of all bonded stake (and votes): 0.9·P comes back to it through its
//   musician, 0.1·P goes to the reserve, of which §8.4 returns s·0.1·P, and the
//   match pays its musician, listener and app. §7.4 bounds the net by
//   (0.1·s − 0.05)·P.
// Then one settlement of 10,000 listeners × 1,000 songs through
// state/settlement.ts on a real LMDB overlay (KeyConnect at a settlement
// height, the commit timed apart), against §12's 2 s target.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionalSettlement } from '../src/api/music.js';
import { ROLE_LISTENER } from '../src/consensus/music.js';
import {
  ineligibility,
  settleSongValue,
  type EligibleListener,
  type SongInput,
  type SongValueResult,
} from '../src/consensus/song-value.js';
import { MAINNET } from '../src/protocol/params.js';
import { applyGenesis } from '../src/state/apply.js';
import { keyConnect } from '../src/state/key-connect.js';
import { votingRewards, type SettlementInputs } from '../src/state/settlement.js';
import { OverlayState } from '../src/state/view.js';
import { Storage } from '../src/storage/db.js';
import { benchOptionsFromEnv, resultFromRounds, type MeasurementResult } from './harness.js';

const ALTO = 10n ** 18n;
const LISTENERS = 10_000;
const SONGS = 1_000;
const APPS = 10;
const SONGS_PER_LISTENER = 20;
const PERIOD = BigInt(MAINNET.rewardPeriod);
const POOLS = { musicians: 3_600n * ALTO, listeners: 1_800n * ALTO, apps: 2_700n * ALTO };
const MATCH = { musicians: 300n, listeners: 100n, apps: 100n };
const TARGET = 36_000n;
/** All bonded stake weight B (§8.4); the attacker holds s of it. */
const BONDED = 10_000_000n * ALTO;
const BOT_FARMS = [0, 10, 1_000, 10_000, 100_000];
const BUDGETS_ALTO = [1n, 10n, 100n, 1_000n, 10_000n, 100_000n, 1_000_000n];
const SHARES = [0, 0.1, 0.3, 0.5];
/** Attestations a bot plays per period: 100 plays of 5 minutes each. */
const BOT_PLAYS = 100n;
/** The settlement height of period 7, c = 8·REWARD_PERIOD + 1: past LISTENER_MIN_AGE (10,080) of height 1. */
const C = 8n * PERIOD + 1n;

/** mulberry32: a seeded PRNG, so every run settles the same period. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A Zipf(1) sampler over ranks 0..n−1. */
function zipf(n: number, random: () => number): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= n; r++) cumulative.push((sum += 1 / r));
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface HonestListener {
  readonly support: bigint;
  /** song rank → seconds. */
  readonly songs: Map<number, bigint>;
  readonly app: number;
}

export function honestPeriod(): HonestListener[] {
  const random = prng(17);
  const song = zipf(SONGS, random);
  return Array.from({ length: LISTENERS }, (_, i) => {
    const songs = new Map<number, bigint>();
    for (let k = 0; k < SONGS_PER_LISTENER; k++) {
      const s = song();
      songs.set(s, (songs.get(s) ?? 0n) + BigInt(30 + Math.floor(random() * 270)));
    }
    return { support: BigInt(1 + Math.floor(random() * 20)) * ALTO, songs, app: i % APPS };
  });
}

const songId = (rank: number): string => `song-${String(rank).padStart(4, '0')}`;

function honestInputs(honest: readonly HonestListener[]): {
  listeners: EligibleListener[];
  songs: Map<string, SongInput>;
} {
  const songs = new Map<string, SongInput>();
  for (let s = 0; s < SONGS; s++)
    songs.set(songId(s), {
      owner: `musician-${s}`,
      splits: [
        { account: `musician-${s}`, bp: 7000 },
        { account: `cowriter-${s % 97}`, bp: 3000 },
      ],
    });
  songs.set('attacker-song', { owner: 'attacker', splits: [{ account: 'attacker', bp: 10_000 }] });
  const listeners = honest.map((l, i) => {
    const total = [...l.songs.values()].reduce((n, s) => n + s, 0n);
    return {
      account: `listener-${String(i).padStart(5, '0')}`,
      support: l.support,
      songs: [...l.songs].map(([rank, seconds]) => ({ id: songId(rank), seconds })),
      apps: [{ id: `app-${l.app}`, seconds: total }],
    };
  });
  return { listeners, songs };
}

function settle(listeners: readonly EligibleListener[], songs: Map<string, SongInput>): SongValueResult {
  return settleSongValue({ listeners, songs, pools: POOLS, match: MATCH, engagementTarget: TARGET });
}

/** Σ of the credits paid to `accounts`. */
function creditsTo(result: SongValueResult, accounts: ReadonlySet<string>): bigint {
  return result.credits.reduce((n, c) => (accounts.has(c.account) ? n + c.amount : n), 0n);
}

const alto = (amount: bigint): string => {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const text = `${abs / ALTO}.${(abs % ALTO).toString().padStart(18, '0').slice(0, 4)}`;
  return negative ? `-${text}` : text;
};

/** §8.4 for an attacker holding `share` of B, voting, with the reserve at `reserve`. */
function votingRewardOf(share: number, reserve: bigint): bigint {
  const attacker = (BONDED * BigInt(Math.round(share * 1000))) / 1000n;
  if (attacker === 0n) return 0n;
  const inputs: Pick<SettlementInputs, 'reserve' | 'bondedWeight' | 'stakers'> = {
    reserve,
    bondedWeight: BONDED,
    stakers: [{ account: new Uint8Array(20), weight: attacker, lastVotedEnd: C - 1n }],
  };
  const rewards = votingRewards(inputs as SettlementInputs, C, MAINNET);
  return rewards.reduce((n, r) => n + r.weight, 0n);
}

interface BotRow {
  readonly bots: number;
  readonly eligible: number;
  readonly attackerGain: bigint;
  readonly honestChange: bigint;
  readonly playFees: bigint;
  readonly net: bigint;
}

interface SelfDealRow {
  readonly share: number;
  readonly budget: bigint;
  readonly toReserve: bigint;
  readonly voting: bigint;
  readonly match: bigint;
  readonly net: bigint;
  readonly bound: bigint;
}

function botFarm(base: ReturnType<typeof honestInputs>, baseline: SongValueResult, bots: number): BotRow {
  // Each bot: a registered listener old enough, with counted seconds and no support (§7.1).
  const seconds = BOT_PLAYS * 300n;
  const eligibleBots: EligibleListener[] = [];
  for (let b = 0; b < bots; b++) {
    const reason = ineligibility(
      { roles: ROLE_LISTENER, regHeight: 0n },
      { seconds, support: 0n },
      C,
      BigInt(MAINNET.listenerMinAge),
    );
    if (reason === undefined)
      eligibleBots.push({
        account: `bot-${b}`,
        support: 0n,
        songs: [{ id: 'attacker-song', seconds }],
        apps: [{ id: 'attacker-app', seconds }],
      });
  }
  const result = settle([...base.listeners, ...eligibleBots], base.songs);
  const attacker = new Set(['attacker', 'attacker-app', ...eligibleBots.map((b) => b.account)]);
  const attackerGain = creditsTo(result, attacker);
  const honestPaid = (r: SongValueResult): bigint =>
    r.credits.reduce((n, c) => (attacker.has(c.account) ? n : n + c.amount), 0n);
  const playFees = BigInt(bots) * BOT_PLAYS * MAINNET.playFee;
  return {
    bots,
    eligible: eligibleBots.length,
    attackerGain,
    honestChange: honestPaid(result) - honestPaid(baseline),
    playFees,
    net: attackerGain - playFees,
  };
}

function selfDeal(
  base: ReturnType<typeof honestInputs>,
  honestReserve: bigint,
  share: number,
  budgetAlto: bigint,
): SelfDealRow {
  const budget = budgetAlto * ALTO;
  const toReserve = budget / 10n; // the 90/10 split: 0.9·P comes back through its own musician
  const dealer: EligibleListener = {
    account: 'attacker-listener',
    support: budget,
    songs: [{ id: 'attacker-song', seconds: TARGET }],
    apps: [{ id: 'attacker-app', seconds: TARGET }],
  };
  const result = settle([...base.listeners, dealer], base.songs);
  const match = creditsTo(result, new Set(['attacker', 'attacker-app', 'attacker-listener']));
  const voting = votingRewardOf(share, honestReserve + toReserve) - votingRewardOf(share, honestReserve);
  // Its plays: TARGET seconds as 5-minute attestations, PLAY_FEE each.
  const playFees = (TARGET / 300n) * MAINNET.playFee;
  const net = match + voting - toReserve - playFees;
  const bound = (BigInt(Math.round(share * 1000)) * budget) / 10_000n - budget / 20n;
  return { share, budget, toReserve, voting, match, net, bound };
}

/** The honest period written into a fresh LMDB environment, as PlayReport, Donate and RegisterSong would leave it. */
export function seedPeriodStorage(
  honest: readonly HonestListener[],
  log: (line: string) => void,
): { storage: Storage; time: number; entries: number; close: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'altostream-song-value-'));
  const storage = Storage.open(dir, { durable: false });
  const close = async (): Promise<void> => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const account = (tag: number, i: number): Uint8Array => {
    const out = new Uint8Array(20);
    out[0] = tag;
    new DataView(out.buffer).setUint32(16, i);
    return out;
  };
  const song = (rank: number): Uint8Array => {
    const out = new Uint8Array(32).fill(0x5a);
    new DataView(out.buffer).setUint32(28, rank);
    return out;
  };
  const time = MAINNET.genesis.time + 200_000;
  const floor = BigInt(time - MAINNET.playReportWindowS);
  const seed = new OverlayState(storage.read.state);
  applyGenesis(seed, MAINNET);
  seed.setCounters({ ...seed.counters(), ...POOLS });
  const meta = new Uint8Array(32);
  for (let s = 0; s < SONGS; s++) {
    const owner = account(1, s);
    seed.setSong(song(s), {
      owner,
      title: `song ${s}`,
      metadata: meta,
      durationS: 300,
      splits: [
        { account: owner, bp: 7000 },
        { account: account(2, s % 97), bp: 3000 },
      ],
      regHeight: 1n,
    });
  }
  let entries = SONGS;
  let serial = 0n;
  honest.forEach((l, i) => {
    const listener = account(3, i);
    seed.setIdentity(listener, { roles: ROLE_LISTENER, displayName: 'l', metadata: meta, regHeight: 1n });
    let total = 0n;
    for (const [rank, seconds] of l.songs) {
      seed.setListenerSong(listener, song(rank), { seconds, plays: 1 });
      // One counted play each, half of them below the floor, pruned by this settlement.
      const start = floor - 1000n + BigInt((rank % 2) * 2000);
      seed.setInterval(listener, start, serial, start + seconds);
      seed.setSerial(listener, serial++, start);
      total += seconds;
      entries += 3;
    }
    seed.setListenerPeriod(listener, { seconds: total, support: l.support });
    seed.setAppListenerSeconds(account(4, l.app), listener, total);
    entries += 3;
    if ((i + 1) % 2_500 === 0) log(`[song-value] seeded ${i + 1} of ${LISTENERS} listeners`);
  });
  storage.commit((tables) => {
    seed.writeTo(tables.state);
  });
  return { storage, time, entries, close };
}

/** The settlement key block at C. */
export const settlementBlock = (time: number) => ({
  id: new Uint8Array(32),
  height: C,
  leaderKey: new Uint8Array(32),
  payout: new Uint8Array(20),
  time,
  activation: 1 as const,
  endorsers: [],
});

/** One settlement of the honest period through state/settlement.ts on LMDB: ms of KeyConnect and of the commit. */
async function settleOnOverlay(
  honest: readonly HonestListener[],
  log: (line: string) => void,
): Promise<{
  connectMs: number;
  connectCpuMs: number;
  commitMs: number;
  entries: number;
  provisionalMs: number;
  provisionalCpuMs: number;
}> {
  const { storage, time, entries, close } = seedPeriodStorage(honest, log);
  try {
    // What the API computes once per tip (decision 188): the same period, provisionally, at C − 1.
    const provisionalStarted = performance.now();
    const provisionalCpu = process.cpuUsage();
    provisionalSettlement(new OverlayState(storage.read.state), { hex: 'bench', keyHeight: C - 1n }, MAINNET);
    const provisionalMs = performance.now() - provisionalStarted;
    const provisionalUsed = process.cpuUsage(provisionalCpu);
    const provisionalCpuMs = (provisionalUsed.user + provisionalUsed.system) / 1000;
    log(`[song-value] ${entries} state entries written; settling period ${C / PERIOD - 1n} at c = ${C}`);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const view = new OverlayState(storage.read.state);
    const settlement = keyConnect(view, settlementBlock(time), MAINNET);
    const connectMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const connectCpuMs = (used.user + used.system) / 1000;
    const committing = performance.now();
    storage.commit((tables) => {
      view.writeTo(tables.state);
    });
    const commitMs = performance.now() - committing;
    log(
      `[song-value] settled: ${settlement?.credits.length ?? 0} credits, D_M ${alto(settlement?.music.musicians.distributed ?? 0n)} ALTO`,
    );
    return { connectMs, connectCpuMs, commitMs, entries, provisionalMs, provisionalCpuMs };
  } finally {
    await close();
  }
}

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const honest = honestPeriod();
  const base = honestInputs(honest);
  const started = performance.now();
  const baseline = settle(base.listeners, base.songs);
  const pureMs = performance.now() - started;
  const honestSupport = honest.reduce((n, l) => n + l.support, 0n);
  log(
    `[song-value] honest period: support ${alto(honestSupport)} ALTO, S_M ${alto(baseline.musicians.sum)}, ` +
      `D_M ${alto(baseline.musicians.distributed)}, D_L ${alto(baseline.listeners.distributed)}, ` +
      `D_A ${alto(baseline.apps.distributed)} ALTO; song-value.ts alone ${pureMs.toFixed(0)} ms`,
  );
  const out = process.stdout;
  out.write('\nbot farm: B registered listeners that only play (100 plays each) the attacker’s song\n\n');
  out.write('B          eligible  attacker gain  honest credits moved  play fees paid  net (ALTO)\n');
  for (const bots of BOT_FARMS) {
    const r = botFarm(base, baseline, bots);
    out.write(
      `${String(r.bots).padEnd(10)} ${String(r.eligible).padStart(8)}  ${alto(r.attackerGain).padStart(13)}  ` +
        `${alto(r.honestChange).padStart(20)}  ${alto(r.playFees).padStart(14)}  ${alto(r.net).padStart(10)}\n`,
    );
  }
  // The reserve before the attack: 10% of what honest listeners paid this period.
  const honestReserve = honestSupport / 10n;
  out.write(
    '\nself-dealer: pays P to its own musician, plays it through its own app, holds s of bonded stake\n\n',
  );
  out.write(
    's     P (ALTO)    to reserve   voting back   match gained        net (ALTO)   §7.4 bound (0.1s−0.05)·P\n',
  );
  const rows: SelfDealRow[] = [];
  for (const share of SHARES)
    for (const budget of BUDGETS_ALTO) {
      const r = selfDeal(base, honestReserve, share, budget);
      rows.push(r);
      out.write(
        `${share.toFixed(1).padEnd(5)} ${String(budget).padStart(9)}  ${alto(r.toReserve).padStart(11)}  ` +
          `${alto(r.voting).padStart(12)}  ${alto(r.match).padStart(13)}  ${alto(r.net).padStart(16)}  ${alto(r.bound).padStart(16)}\n`,
      );
    }
  const above = rows.filter((r) => r.net > r.bound);
  out.write(`\nrows above §7.4's bound: ${above.length}\n`);
  const overlay = await settleOnOverlay(honest, log);
  out.write(
    `\nsettlement through state/settlement.ts on LMDB: ${LISTENERS} listeners × ${SONGS} songs, ${overlay.entries} entries: ` +
      `KeyConnect ${overlay.connectMs.toFixed(0)} ms wall (${overlay.connectCpuMs.toFixed(0)} ms CPU, load average ` +
      `${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores) + commit ${overlay.commitMs.toFixed(0)} ms (target ≤ 2,000 ms)\n`,
  );
  out.write(
    `the API's provisional settlement of the same period (once per tip): ${overlay.provisionalMs.toFixed(0)} ms wall ` +
      `(${overlay.provisionalCpuMs.toFixed(0)} ms CPU)\n`,
  );
  return [
    resultFromRounds(
      {
        title: `settlement of ${LISTENERS} listeners × ${SONGS} songs (KeyConnect on a real overlay, one period)`,
        unit: 'settlement',
        candidates: [{ name: 'settlement.ts', ours: true }],
      },
      [[1000 / overlay.connectMs]],
    ),
  ];
}
