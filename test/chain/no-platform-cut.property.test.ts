// No platform cut (PROTOCOL.md §4.5, §4.6, §7.3, §8.1, §8.4), as a property over
// random sequences of every transaction type: Transfer (to a party or the
// reserve), RegisterIdentity, RegisterSong (random splits of up to 5 holders,
// some of them accounts that do not exist yet), Donate to a musician and to a
// song, Subscribe, Stake (roles 1–3; an app with its name and service key),
// Unstake, PlayReport (signed by the app or its service key, attestations
// signed by listeners through the client library, start times inside the
// window of the microblock's time), Proposal (signal and parameter change within
// §8.3's bounds), Vote and Poison (an equivocation of the previous epoch's
// leader, two signed headers the harness builds but never adds), and runs of
// key blocks, so reward periods (REWARD_PERIOD 10 on regtest) settle inside
// the sequences. §6.1 holds after every block (supplyCheckedHarness).
//
// Each Donate or Subscribe that connects — alone in its microblock, so the
// block's changes are the transaction's — moves amount + fee out of the payer,
// exactly floor(amount/10) into the reserve and the rest to the musician or to
// the song's holders (floor per holder, remainder to the owner), and changes no
// other balance, bond, unbonding entry, escrowed deposit or pending credit.
//
// Each key block: the reserve changes by exactly the deposits that tallies at
// that height forfeit (§8.2) minus, at a settlement height, the voting rewards
// computed here from the parent state (§8.4: floor(R·W/B) for each staker that
// voted within GOVERNANCE_WINDOW) — settlement credits the reserve nothing. At a
// settlement, the record (h.chain.settlement()) shows, for each of the
// musicians', listeners' and apps' pools, pool = the counter before the block,
// D = min(pool, floor(S·rate/10000)) with the rate in force, paid + undistributed
// + dust = pool, and the pending credits of kinds 5, 6 and 7 the block created
// sum per account to the record's credits, whose total is paid. Outside
// settlement heights no credit of kinds 5–7 or 10 appears.
// ALTOSTREAM_PROPERTY_RUNS sets the number of sequences.
import fc from 'fast-check';
import { test } from 'tap';
import { signAttestation } from '../../src/client/attestation.js';
import {
  PARAM_MATCH_APPS,
  PARAM_MATCH_LISTENERS,
  PARAM_MATCH_MUSICIANS,
} from '../../src/consensus/governed-params.js';
import { checkTxFields } from '../../src/consensus/tx-rules.js';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { RESERVE_ACCOUNT, accountId } from '../../src/protocol/address.js';
import { encodeMicroblockHeader } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, type Tx, type TxPayload } from '../../src/protocol/tx.js';
import type { OverlayState } from '../../src/state/view.js';
import { toHex } from '../../src/util/bytes.js';
import { buildMicroblock } from '../helpers/blocks.js';
import type { ChainHarness } from '../helpers/chain-harness.js';
import { beforeKeyConnect, checkKeyConnect } from '../helpers/key-connect-money.js';
import { balances, expectedGains, unexpectedChange } from '../helpers/music-payments.js';
import { ruleCode } from '../helpers/rule-code.js';
import { supplyCheckedHarness } from '../helpers/supply.js';
import { signedTx, transfer } from '../helpers/txs.js';

const RUNS = Number(process.env.ALTOSTREAM_PROPERTY_RUNS ?? 16);
/**
 * How long the runs and the shrinking of a failure may take together: a default run takes ~20 s, and tap
 * stops a file at 180 s (raise that with --timeout when raising the runs).
 */
const TIME_LIMIT_MS = Math.max(100_000, RUNS * 6_000);
const ALTO = 10n ** 18n;
const FEE = 1000n;
const PARTIES = 6;
/** Split holders 0–5 are the parties; 6–9 are accounts that exist only once credited. */
const HOLDERS = 10;
const SONGS = 3;
const DURATION_S = 200;
/** A key block at least every this many microblocks, so block times stay ordered. */
const MICROS_PER_EPOCH = 12;

const partySeeds = Array.from({ length: PARTIES }, (_, i) => new Uint8Array(32).fill(0x61 + i));
/** Party i's app service key (§4.7): a funded account of its own, so it can sign PlayReports. */
const serviceSeeds = Array.from({ length: PARTIES }, (_, i) => new Uint8Array(32).fill(0x71 + i));
/** Signers 0–5 are the parties, 6–11 their service keys. */
const seeds = [...partySeeds, ...serviceSeeds];
const signers = seeds.map((seed) => accountId(getPublicKey(seed)));
const parties = signers.slice(0, PARTIES);
const holders = [
  ...parties,
  ...Array.from({ length: HOLDERS - PARTIES }, (_, i) => new Uint8Array(20).fill(0xd0 + i)),
];
const songIds = Array.from({ length: SONGS }, (_, i) => new Uint8Array(32).fill(0x90 + i));
const memo = new Uint8Array();

/** §8.3's whitelist, each with bounds inside §12's regtest ones (a microblock interval ≤ the harness's 1 s). */
const PARAM_CHOICES: readonly { readonly id: number; readonly min: bigint; readonly max: bigint }[] = [
  { id: 1, min: ALTO, max: 3n * ALTO },
  { id: 2, min: ALTO, max: 3n * ALTO },
  { id: 3, min: ALTO, max: 3n * ALTO },
  { id: 4, min: 0n, max: 1000n },
  { id: 5, min: 10n, max: 300n },
  { id: 6, min: 1n, max: 1000n },
  { id: 7, min: 3600n, max: 86_400n },
  { id: PARAM_MATCH_MUSICIANS, min: 0n, max: 500n },
  { id: PARAM_MATCH_LISTENERS, min: 0n, max: 500n },
  { id: 10, min: 0n, max: ALTO / 100n },
  { id: PARAM_MATCH_APPS, min: 0n, max: 500n },
  { id: 12, min: 3600n, max: 86_400n },
];

interface Play {
  readonly listener: number;
  readonly song: number;
  /** The play ends this many seconds before t + 120 (§4.9's future bound); past ~86,400 it is too old. */
  readonly ago: number;
  readonly seconds: number;
}

type Action =
  | { readonly kind: 'key'; readonly count: number }
  | { readonly kind: 'transfer'; readonly who: number; readonly to: number; readonly amount: bigint }
  | { readonly kind: 'identity'; readonly who: number; readonly roles: number }
  | {
      readonly kind: 'song';
      readonly who: number;
      readonly song: number;
      readonly holders: number[];
      readonly cuts: number[];
    }
  | { readonly kind: 'donate-musician'; readonly who: number; readonly to: number; readonly amount: bigint }
  | { readonly kind: 'donate-song'; readonly who: number; readonly song: number; readonly amount: bigint }
  | {
      readonly kind: 'subscribe';
      readonly who: number;
      readonly to: number;
      readonly amount: bigint;
      readonly periods: number;
    }
  | { readonly kind: 'stake'; readonly who: number; readonly role: 1 | 2 | 3; readonly amount: bigint }
  | {
      readonly kind: 'unstake';
      readonly who: number;
      readonly role: 1 | 2 | 3;
      readonly all: boolean;
      readonly amount: bigint;
    }
  | { readonly kind: 'play'; readonly who: number; readonly byService: boolean; readonly plays: Play[] }
  | {
      readonly kind: 'proposal';
      readonly who: number;
      readonly votingPeriod: number;
      readonly change: { readonly param: number; readonly millionths: bigint } | null;
    }
  | { readonly kind: 'vote'; readonly who: number; readonly proposal: number; readonly choice: 1 | 2 | 3 }
  | { readonly kind: 'poison'; readonly who: number };

const party = fc.nat({ max: PARTIES - 1 });
/** A party; PARTIES and above stand for the app staked at the start, so most proposals, votes and reports can connect. */
const staker = fc.nat({ max: PARTIES + 8 });
/** Mostly song 0, which the setup registers, so most plays and song donations can connect. */
const songIndex = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.nat({ max: SONGS - 1 }));
const role = fc.constantFrom<1 | 2 | 3>(1, 2, 3);
// Small, odd and large amounts: floors bite on the small ones, funds run out on the large ones.
const amount = fc.oneof(fc.bigInt(1n, 1000n), fc.bigInt(1n, 50n * ALTO), fc.bigInt(1n, 1500n * ALTO));
// Mostly at least MIN_STAKE (1 ALTO on regtest); sometimes below it.
const stakeAmount = fc.oneof(
  { weight: 1, arbitrary: fc.bigInt(1n, ALTO) },
  { weight: 4, arbitrary: fc.bigInt(ALTO, 20n * ALTO) },
);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('key' as const), count: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      who: party,
      to: fc.nat({ max: PARTIES }), // PARTIES: the reserve (§8.1, direct transfers)
      amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('identity' as const),
      who: party,
      roles: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('song' as const),
      who: party,
      song: fc.nat({ max: SONGS - 1 }),
      holders: fc.uniqueArray(fc.nat({ max: HOLDERS - 1 }), { minLength: 1, maxLength: 5 }),
      // Distinct cut points in 1..9999: consecutive differences are bp > 0 summing to 10,000.
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { maxLength: 4 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('donate-musician' as const), who: party, to: party, amount }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('donate-song' as const),
      who: party,
      song: songIndex,
      amount,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      who: party,
      to: party,
      amount,
      periods: fc.integer({ min: 1, max: 400 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('stake' as const), who: party, role, amount: stakeAmount }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unstake' as const),
      who: party,
      role,
      all: fc.boolean(),
      amount: stakeAmount,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('play' as const),
      who: staker,
      byService: fc.boolean(),
      plays: fc.array(
        fc.record({
          listener: party,
          song: songIndex,
          ago: fc.integer({ min: 0, max: 87_000 }),
          seconds: fc.integer({ min: 1, max: DURATION_S }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('proposal' as const),
      who: staker,
      votingPeriod: fc.integer({ min: 2, max: 12 }),
      change: fc.option(
        fc.record({
          param: fc.nat({ max: PARAM_CHOICES.length - 1 }),
          millionths: fc.bigInt(0n, 1_000_000n),
        }),
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('vote' as const),
      who: staker,
      proposal: fc.nat({ max: 20 }),
      choice: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('poison' as const), who: party }) },
);

/**
 * Each party's first roles, the app that stakes (with its service key) and the musician who registers
 * song 0 (becoming a musician and a listener) before the actions.
 */
const setup = fc.record({
  roles: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: PARTIES, maxLength: PARTIES }),
  app: party,
  appStake: fc.bigInt(ALTO, 10n * ALTO),
  musician: party,
  song: fc.record({
    holders: fc.uniqueArray(fc.nat({ max: HOLDERS - 1 }), { minLength: 1, maxLength: 5 }),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { maxLength: 4 }),
  }),
});

const identity = (who: number, roles: number): TxPayload => ({
  type: 2,
  roles,
  displayName: `p${who}`,
  metadata: new Uint8Array(32),
});

const appStake = (who: number, amount: bigint): TxPayload => ({
  type: 6,
  role: 2,
  amount,
  app: { name: `app${who}`, serviceKey: getPublicKey(serviceSeeds[who]!) },
});

/** The split a 'song' action asks for: as many holders as cut points allow, bp from the sorted cuts. */
function splitsOf(a: {
  readonly holders: readonly number[];
  readonly cuts: readonly number[];
}): { account: Uint8Array; bp: number }[] {
  const count = Math.min(a.holders.length, a.cuts.length + 1);
  const cuts = [0, ...[...a.cuts].slice(0, count - 1).sort((x, y) => x - y), 10_000];
  return a.holders.slice(0, count).map((h, i) => ({ account: holders[h]!, bp: cuts[i + 1]! - cuts[i]! }));
}

/** RegisterSong of song `index`, DURATION_S long, with the split `split` asks for. */
const song = (index: number, split: Parameters<typeof splitsOf>[0]): TxPayload => ({
  type: 3,
  songId: songIds[index]!,
  title: 's',
  metadata: new Uint8Array(32),
  durationS: DURATION_S,
  splits: splitsOf(split),
});

type TxAction = Exclude<Action, { kind: 'key' }>;
type PaymentAction = Extract<Action, { kind: 'donate-musician' | 'donate-song' | 'subscribe' }>;

const isPayment = (a: TxAction): a is PaymentAction =>
  a.kind === 'donate-musician' || a.kind === 'donate-song' || a.kind === 'subscribe';

/** The raw entries of the prefixes a payment must not touch: bonds, unbonding, proposals (escrow), pending. */
function untouchable(view: OverlayState): string {
  return [0x04, 0x05, 0x0d, 0x0f]
    .flatMap((prefix) =>
      view
        .range(Uint8Array.of(prefix), Uint8Array.of(prefix + 1))
        .map(({ key, value }) => `${toHex(key)}=${toHex(value)}`),
    )
    .join('\n');
}

interface Stats {
  readonly connected: Map<number, number>;
  /** PlayReports sent by the app's service key rather than the app account. */
  serviceReports: number;
  payments: number;
  splitPayments: number;
  settlements: number;
  musicSettlements: number;
  votingRewardSettlements: number;
  forfeits: number;
}

/** Runs one sequence on a fresh chain; throws with the block's name on the first broken rule. */
function runSequence(
  h: ChainHarness,
  start: {
    roles: number[];
    app: number;
    appStake: bigint;
    musician: number;
    song: { holders: number[]; cuts: number[] };
  },
  actions: readonly Action[],
  stats: Stats,
): void {
  const nonces = new Array<bigint>(seeds.length).fill(0n);
  const serials = new Array<bigint>(PARTIES).fill(0n);
  const proposals: Uint8Array[] = [];
  let tip = 'g';
  let micros = 0;
  let n = 0;

  const micro = (txs: readonly Tx[]): void => {
    n++;
    const name = `m${n}`;
    if (h.micro(name, tip, txs) !== 'connected') throw new Error(`${name} did not connect`);
    tip = name;
    micros++;
  };

  /** Mines the next key block and checks what its KeyConnect did to the reserve and the matched pools. */
  const key = (): void => {
    const before = beforeKeyConnect(h, parties, proposals);
    const name = `k${before.c}`;
    if (h.key(name, tip, Number(before.c % 200n) + 2) !== 'connected')
      throw new Error(`${name} did not connect`);
    tip = name;
    micros = 0;
    const money = checkKeyConnect(h, name, before);
    if (money.settled) stats.settlements++;
    if (money.matched > 0n) stats.musicSettlements++;
    if (money.votingRewards > 0n) stats.votingRewardSettlements++;
    if (money.forfeited > 0n) stats.forfeits++;
  };

  /** The signed tx an action asks for, undefined when it cannot be built on this chain (nothing to vote on). */
  const txOf = (action: TxAction): { tx: Tx; signer: number } | undefined => {
    const a = 'who' in action && action.who >= PARTIES ? { ...action, who: start.app } : action;
    const sign = (signer: number, payload: TxPayload) => ({
      tx: signedTx({ seed: seeds[signer]!, payload, nonce: nonces[signer]!, fee: FEE }),
      signer,
    });
    const entry = h.entry(tip);
    switch (a.kind) {
      case 'transfer':
        return sign(a.who, {
          type: 1,
          to: a.to === PARTIES ? RESERVE_ACCOUNT : parties[a.to]!,
          amount: a.amount,
          memo,
        });
      case 'identity':
        return sign(a.who, identity(a.who, a.roles));
      case 'song':
        return sign(a.who, song(a.song, a));
      case 'donate-musician':
        return sign(a.who, { type: 4, targetKind: 0, target: parties[a.to]!, amount: a.amount, memo });
      case 'donate-song':
        return sign(a.who, { type: 4, targetKind: 1, target: songIds[a.song]!, amount: a.amount, memo });
      case 'subscribe':
        return sign(a.who, { type: 5, musician: parties[a.to]!, amount: a.amount, periods: a.periods });
      case 'stake':
        return sign(
          a.who,
          a.role === 2 ? appStake(a.who, a.amount) : { type: 6, role: a.role, amount: a.amount },
        );
      case 'unstake': {
        // The role asked for if the party bonds in it, else the first it bonds in.
        const state = h.chain.state();
        const bonded = ([a.role, 1, 2, 3] as const)
          .map((r) => ({ role: r, bonded: state.bond(parties[a.who]!, r)?.bonded ?? 0n }))
          .find((b) => b.bonded > 0n) ?? { role: a.role, bonded: 0n };
        const amount = a.all && bonded.bonded > 0n ? bonded.bonded : a.amount;
        return sign(a.who, { type: 7, role: bonded.role, amount });
      }
      case 'play': {
        // t of the microblock the harness builds next: its parent's time + 1 s (§4.1).
        const t = (entry.timeMs + 1000n) / 1000n;
        const app = parties[a.who]!;
        const attestations = a.plays.map((p) =>
          signAttestation(
            partySeeds[p.listener]!,
            {
              songId: songIds[p.song]!,
              startS: t + 120n - BigInt(p.ago + p.seconds),
              seconds: p.seconds,
              app,
              serial: serials[p.listener]!++,
            },
            REGTEST,
          ),
        );
        return sign(a.byService ? PARTIES + a.who : a.who, { type: 8, app, attestations });
      }
      case 'proposal': {
        if (a.change === null) {
          return sign(a.who, { type: 9, kind: 0, votingPeriod: a.votingPeriod, text: 'signal' });
        }
        const choice = PARAM_CHOICES[a.change.param]!;
        const value = choice.min + ((choice.max - choice.min) * a.change.millionths) / 1_000_000n;
        return sign(a.who, {
          type: 9,
          kind: 1,
          votingPeriod: a.votingPeriod,
          text: `param ${choice.id} := ${value}`,
          change: { paramId: choice.id, value },
        });
      }
      case 'vote': {
        const id = proposals[a.proposal % Math.max(proposals.length, 1)];
        return id === undefined ? undefined : sign(a.who, { type: 10, proposalId: id, choice: a.choice });
      }
      case 'poison': {
        // Two seq-0 headers on K_k, k = c − 1, both signed by its leader (the harness's one key): §3.9.
        const k = entry.keyHeight - 1n;
        if (k < 1n) return undefined;
        const keyK = h.entry(`k${k}`);
        const [x, y] = [1000n, 1500n].map((dt) =>
          buildMicroblock({
            keyBlockId: keyK.id,
            prev: keyK.id,
            keyHeight: k,
            seq: 0,
            timeMs: keyK.timeMs + dt,
          }),
        ) as [ReturnType<typeof buildMicroblock>, ReturnType<typeof buildMicroblock>];
        return sign(a.who, {
          type: 12,
          headerA: encodeMicroblockHeader(x.header),
          sigA: x.leaderSig,
          headerB: encodeMicroblockHeader(y.header),
          sigB: y.leaderSig,
        });
      }
    }
  };

  // g -> k1 -> m1 (funds) -> k2 -> m2 (identities, one app stakes, song 0)
  const setupTx = (signer: number, payload: TxPayload): Tx =>
    signedTx({ seed: seeds[signer]!, payload, nonce: nonces[signer]!++, fee: FEE });
  key();
  micro(
    signers.map((id, i) => transfer(id, (i < PARTIES ? 1000n : 1n) * ALTO, { nonce: BigInt(i), fee: FEE })),
  );
  key();
  micro([
    ...start.roles.map((r, i) => setupTx(i, identity(i, i === start.musician ? 3 : r))),
    setupTx(start.app, appStake(start.app, start.appStake)),
    setupTx(start.musician, song(0, start.song)),
  ]);

  for (const a of actions) {
    if (a.kind === 'key') {
      for (let i = 0; i < a.count; i++) key();
      continue;
    }
    if (micros >= MICROS_PER_EPOCH) key();
    const built = txOf(a);
    if (built === undefined) continue;
    const { tx, signer } = built;
    // The leader's dry run checks the state rules at the microblock's time; the payload's own ones apart.
    const sane = ruleCode(() => {
      checkTxFields(tx, REGTEST);
    });
    if (sane !== undefined) continue;
    if (h.chain.applicableTxs([tx], h.entry(tip).timeMs + 1000n).length === 0) continue;
    const view = h.chain.state();
    const paidSong = a.kind === 'donate-song' ? view.song(songIds[a.song]!) : undefined;
    const before = balances(h);
    const kept = untouchable(view);
    micro([tx]);
    nonces[signer]!++;
    stats.connected.set(tx.payload.type, (stats.connected.get(tx.payload.type) ?? 0) + 1);
    if (tx.payload.type === 8 && signer >= PARTIES) stats.serviceReports++;
    if (tx.payload.type === 9) proposals.push(txId(tx));
    if (!isPayment(a)) continue;
    stats.payments++;
    if (paidSong !== undefined && paidSong.splits.length > 1) stats.splitPayments++;
    const expected = expectedGains(a.amount, a.kind === 'donate-song' ? undefined : parties[a.to]!, paidSong);
    // A split holder may pay its own song (decision 170): it pays, and gets its share back.
    const payer = toHex(parties[a.who]!);
    expected.set(payer, (expected.get(payer) ?? 0n) - (a.amount + FEE));
    const wrong = unexpectedChange(before, balances(h), expected);
    if (wrong !== undefined) throw new Error(`m${n} (${a.kind} of ${a.amount}): ${wrong}`);
    if (untouchable(h.chain.state()) !== kept) {
      throw new Error(`m${n} (${a.kind}): a bond, unbonding entry, deposit or pending credit changed`);
    }
  }
}

test('no platform cut over every transaction type: payments reach only the payer, the reserve and the musician side; settlement pays from the pools and the reserve only to voters', (t) => {
  const stats: Stats = {
    connected: new Map(),
    serviceReports: 0,
    payments: 0,
    splitPayments: 0,
    settlements: 0,
    musicSettlements: 0,
    votingRewardSettlements: 0,
    forfeits: 0,
  };
  fc.assert(
    fc.property(setup, fc.array(action, { minLength: 50, maxLength: 110 }), (start, actions) => {
      runSequence(supplyCheckedHarness(t), start, actions, stats);
    }),
    // Shrinking a failing sequence replays it block by block: it stops after the limit with the smallest
    // counterexample so far, inside tap's per-file timeout. A run that slow without a failure fails too.
    { numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })] },
  );
  const types = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12];
  const counts = types.map((type) => `${type}: ${stats.connected.get(type) ?? 0}`).join(', ');
  t.ok(
    types.every((type) => (stats.connected.get(type) ?? 0) > 0) && stats.serviceReports > 0,
    `every type connected at least once (by type ${counts}; ${stats.serviceReports} PlayReports by a service key)`,
  );
  t.ok(
    stats.payments > RUNS && stats.splitPayments > 0,
    `${stats.payments} payments checked (${stats.splitPayments} through a split of ≥ 2)`,
  );
  t.ok(
    stats.settlements >= RUNS / 2 && stats.musicSettlements > 0 && stats.votingRewardSettlements > 0,
    `${stats.settlements} settlements checked, ${stats.musicSettlements} paying matched music credits, ` +
      `${stats.votingRewardSettlements} paying voting rewards; ${stats.forfeits} key blocks forfeited deposits`,
  );
  t.end();
});
