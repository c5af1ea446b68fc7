// Settlement's steps 1–2 on a chain (PROTOCOL.md §6.5, §7.3): identities, songs and
// support come from RegisterIdentity, RegisterSong and Donate; the counted
// seconds (0x08, 0x09, 0x0A seconds), the intervals and serials are seeded into
// the state directly after k10, as PlayReport would have left them.
import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { ROLE_LISTENER, ROLE_MUSICIAN } from '../../src/consensus/music.js';
import { KIND_APP, KIND_LISTENER, KIND_MUSICIAN } from '../../src/consensus/song-value.js';
import { accountId } from '../../src/protocol/address.js';
import type { Tx, TxPayload } from '../../src/protocol/tx.js';
import { PREFIX_PENDING, decodePending, decodePendingKey } from '../../src/state/entries.js';
import { OverlayState } from '../../src/state/view.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { supplyCheckedHarness } from '../helpers/supply.js';
import { signedTx, transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 1000n;
const META = new Uint8Array(32).fill(7);
const SONG = new Uint8Array(32).fill(0x5a);
const APP = new Uint8Array(20).fill(0xa9);
const WINDOW = 86_400;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

class Party {
  readonly seed: Uint8Array;
  readonly id: Uint8Array;
  constructor(byte: number) {
    this.seed = new Uint8Array(32).fill(byte);
    this.id = accountId(getPublicKey(this.seed));
  }
  tx(payload: TxPayload, nonce: bigint): Tx {
    return signedTx({ seed: this.seed, payload, nonce, fee: FEE });
  }
}

const musician = new Party(0x41);
const cowriter = new Party(0x42);
const listener = new Party(0x43);
// Not eligible, one reason each (§7.1): no identity, not a listener, too young, no counted
// seconds, no support.
const noIdentity = new Uint8Array(20).fill(0xb1);
const musicianOnly = new Uint8Array(20).fill(0xb2);
const tooYoung = new Uint8Array(20).fill(0xb3);
const noSeconds = new Uint8Array(20).fill(0xb4);
const noSupport = new Uint8Array(20).fill(0xb5);

/** g -> k1 -> m1 (funds) -> k2 -> m2 (identities, song, donation) -> k3 -> … -> k10. */
function buildToK10(h: ChainHarness): void {
  h.key('k1', 'g', 1);
  h.micro(
    'm1',
    'k1',
    [musician, cowriter, listener].map((party, i) =>
      transfer(party.id, 100n * ALTO, { nonce: BigInt(i), fee: FEE }),
    ),
  );
  h.key('k2', 'm1', 2);
  h.micro('m2', 'k2', [
    musician.tx({ type: 2, roles: ROLE_MUSICIAN, displayName: 'm', metadata: META }, 0n),
    listener.tx({ type: 2, roles: ROLE_LISTENER, displayName: 'l', metadata: META }, 0n),
    musician.tx(
      {
        type: 3,
        songId: SONG,
        title: 'a song',
        metadata: META,
        durationS: 600,
        splits: [
          { account: musician.id, bp: 7000 },
          { account: cowriter.id, bp: 3000 },
        ],
      },
      1n,
    ),
    // support(listener) = 50 ALTO, before the 90/10 split (§7.1).
    listener.tx(
      { type: 4, targetKind: 0, target: musician.id, amount: 50n * ALTO, memo: new Uint8Array() },
      1n,
    ),
  ]);
  for (let k = 3; k <= 10; k++) h.key(`k${k}`, k === 3 ? 'm2' : `k${k - 1}`, k);
}

/** play_floor after KeyConnect(k11): K.time − PLAY_REPORT_WINDOW. */
const floorAt11 = (h: ChainHarness): bigint =>
  BigInt(h.entry('k10').epochKey.block.header.time + 60 - WINDOW);

/** What PlayReport would have written in period 0, written straight into the tip's state. */
function seedPlays(h: ChainHarness): void {
  const view = new OverlayState(h.storage.read.state);
  const support = view.listenerPeriod(listener.id).support;
  view.setListenerPeriod(listener.id, { seconds: 600n, support });
  view.setListenerSong(listener.id, SONG, { seconds: 600n, plays: 3 });
  view.setAppListenerSeconds(APP, listener.id, 600n);
  const identity = (roles: number, regHeight: bigint) => ({
    roles,
    displayName: 'n',
    metadata: META,
    regHeight,
  });
  view.setIdentity(musicianOnly, identity(ROLE_MUSICIAN, 1n));
  view.setIdentity(tooYoung, identity(ROLE_LISTENER, 10n)); // 10 > c − LISTENER_MIN_AGE = 9
  view.setIdentity(noSeconds, identity(ROLE_LISTENER, 1n));
  view.setIdentity(noSupport, identity(ROLE_LISTENER, 1n));
  for (const other of [noIdentity, musicianOnly, tooYoung, noSupport]) {
    view.setListenerPeriod(other, { seconds: 300n, support: other === noSupport ? 0n : 5n * ALTO });
    view.setListenerSong(other, SONG, { seconds: 300n, plays: 1 });
    view.setAppListenerSeconds(APP, other, 300n);
  }
  view.setListenerPeriod(noSeconds, { seconds: 0n, support: 5n * ALTO });
  // Around the floor: an interval ending at it and a serial starting just below it are pruned.
  const floor = floorAt11(h);
  view.setInterval(listener.id, floor - 700n, 1n, floor);
  view.setInterval(listener.id, floor - 599n, 2n, floor + 1n);
  view.setSerial(listener.id, 1n, floor - 700n);
  view.setSerial(listener.id, 2n, floor - 1n);
  view.setSerial(listener.id, 3n, floor);
  h.storage.commit((tables) => {
    view.writeTo(tables.state);
  });
}

/** Pending credits of kinds 5–7 created at `source`, as `account-hex kind → amount`. */
function musicCredits(h: ChainHarness, source: bigint): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const { key, value } of h.chain
    .state()
    .range(Uint8Array.of(PREFIX_PENDING), Uint8Array.of(PREFIX_PENDING + 1))) {
    const { account, sourceHeight, kind } = decodePendingKey(key);
    if (sourceHeight === source && kind >= KIND_MUSICIAN && kind <= KIND_APP)
      out.set(`${hex(account)} ${kind}`, decodePending(value).amount);
  }
  return out;
}

// Hand computation, MATCH 300/100/100 bp, ENGAGEMENT_TARGET 36,000 s, pools of 10 regtest key
// blocks (12.5 ALTO each): musicians 25, listeners 12.5, apps 18.75 ALTO.
//   the only eligible listener paid 50 ALTO and counted 600 s, all on SONG, all through APP:
//   value(SONG) = 50 ALTO = S_M → D_M = min(25, 1.5) = 1.5 ALTO: musician 70% 1.05, cowriter 0.45
//   w = floor(50·10^18·600/36,000) = 833,333,333,333,333,333 = S_L
//     → D_L = floor(S_L·100/10^4) = 8,333,333,333,333,333 (the pool of 12.5 is not the cap)
//   value(APP) = 50 ALTO → D_A = 0.5 ALTO
const EXPECTED = new Map([
  [`${hex(musician.id)} ${KIND_MUSICIAN}`, 1_050_000_000_000_000_000n],
  [`${hex(cowriter.id)} ${KIND_MUSICIAN}`, 450_000_000_000_000_000n],
  [`${hex(listener.id)} ${KIND_LISTENER}`, 8_333_333_333_333_333n],
  [`${hex(APP)} ${KIND_APP}`, 500_000_000_000_000_000n],
]);

/** After k11 or c11; `matured`: past 11 + REWARD_MATURITY, the credits are balances now. */
function assertSettled(t: Test, h: ChainHarness, settledBy: string, matured = false): void {
  if (!matured) t.same(musicCredits(h, 11n), EXPECTED, 'every kind 5–7 credit equals the hand computation');
  const state = h.chain.state();
  for (const prefix of [0x08, 0x09, 0x0a])
    t.equal(
      state.range(Uint8Array.of(prefix), Uint8Array.of(prefix + 1)).length,
      0,
      `0x0${prefix.toString(16)} cleared`,
    );
  const floor = floorAt11(h);
  t.equal(state.counters().playFloor, floor, 'play_floor = K.time − PLAY_REPORT_WINDOW');
  const intervals = state.range(Uint8Array.of(0x0b), Uint8Array.of(0x0c));
  t.equal(intervals.length, 1, 'the interval with end ≤ play_floor is pruned, the one ending after it kept');
  const serials = state.range(Uint8Array.of(0x0c), Uint8Array.of(0x0d)).map(({ key }) => key[28]);
  t.same(serials, [3], 'serials with start_s < play_floor are pruned');
  const record = h.chain.settlement(0n);
  t.ok(record, 'the record of period 0');
  if (record === undefined) return;
  t.same(h.chain.settlement(), record, 'the newest record without a period');
  t.equal(record.height, 11n);
  t.equal(hex(record.blockId), hex(h.entry(settledBy).id));
  t.same(record.pools, {
    musicians: 25n * ALTO,
    listeners: 12_500_000_000_000_000_000n,
    apps: 18_750_000_000_000_000_000n,
    infrastructure: record.pools.infrastructure,
    validators: record.pools.validators,
  });
  t.same(record.musicians, {
    pool: 25n * ALTO,
    sum: 50n * ALTO,
    distributed: 1_500_000_000_000_000_000n,
    paid: 1_500_000_000_000_000_000n,
    undistributed: 23_500_000_000_000_000_000n,
    dust: 0n,
  });
  t.equal(record.listeners.sum, 833_333_333_333_333_333n);
  t.equal(record.apps.undistributed, 18_250_000_000_000_000_000n);
  t.same(
    record.songs.map((s) => [hex(s.id), s.value, s.matched]),
    [[hex(SONG), 50n * ALTO, 1_500_000_000_000_000_000n]],
  );
  t.same(
    record.credits
      .filter((c) => c.kind === KIND_MUSICIAN)
      .map((c) => [hex(c.account), c.amount, hex(c.song!)]),
    [
      [hex(musician.id), 1_050_000_000_000_000_000n, hex(SONG)],
      [hex(cowriter.id), 450_000_000_000_000_000n, hex(SONG)],
    ],
  );
}

test('settlement of period 0: eligible listeners only, every credit by hand, counters cleared, intervals and serials pruned, a record', async (t) => {
  const h = supplyCheckedHarness(t);
  buildToK10(h);
  seedPlays(h);
  h.key('k11', 'k10', 11);
  assertSettled(t, h, 'k11');
  const history = h.chain.rewardHistory(cowriter.id, 10);
  t.same(
    history.records.map((r) => [r.kind, r.amount]),
    [[KIND_MUSICIAN, 450_000_000_000_000_000n]],
    'the reward history has the split credit',
  );
  // Matured at 11 + REWARD_MATURITY: the cowriter's balance grows by its credit.
  h.key('k12', 'k11', 12);
  h.key('k13', 'k12', 13);
  t.equal(h.chain.state().account(cowriter.id)?.balance, 100n * ALTO + 450_000_000_000_000_000n);
});

test('a reorg across the period boundary undoes the settlement and its record; re-applying gives the same digest', async (t) => {
  //   … k10 (seeded) -> k11 -> k12 -> k13            the first branch, back again at the end
  //                  \-> c11 -> c12                    wins for a while
  const open = (): ChainHarness =>
    ChainHarness.open((fn) => {
      t.teardown(fn);
    });
  const h = supplyCheckedHarness(t);
  buildToK10(h);
  seedPlays(h);
  h.key('k11', 'k10', 11);
  const settledDigest = h.digest();
  h.key('c11', 'k10', 0xc1);
  h.key('c12', 'c11', 0xc2);
  t.equal(h.tipName(), 'c12', 'the other branch wins');
  assertSettled(t, h, 'c11');
  const other = open();
  buildToK10(other);
  seedPlays(other);
  other.replay(h, ['c11', 'c12']);
  t.equal(h.digest(), other.digest(), 'k11 was undone exactly: the digest equals a fresh chain of c11, c12');
  h.key('k12', 'k11', 12);
  h.key('k13', 'k12', 13);
  t.equal(h.tipName(), 'k13');
  assertSettled(t, h, 'k11', true);
  t.equal(h.chain.state().account(APP)?.balance, 500_000_000_000_000_000n, 'matured once, on this branch');
  const back = open();
  buildToK10(back);
  seedPlays(back);
  back.replay(h, ['k11']);
  t.equal(back.digest(), settledDigest, 're-applying k11 gives the digest it had');
  back.replay(h, ['k12', 'k13']);
  t.equal(h.digest(), back.digest());
});
