import { test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { RESERVE_ACCOUNT, accountId } from '../../src/protocol/address.js';
import type { Split, Tx, TxPayload } from '../../src/protocol/tx.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { ruleCode } from '../helpers/rule-code.js';
import { supplyCheckedHarness } from '../helpers/supply.js';
import { signedTx, transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 1000n;
// Regtest (§12): REWARD_PERIOD 10, MIN_SUBSCRIPTION_PER_PERIOD 0.001 ALTO.
const PERIOD = 10n;
const MIN_SUB = ALTO / 1000n;
const META = new Uint8Array(32).fill(7);

/** A funded test account: its seed, id and next nonce. */
class Party {
  readonly seed: Uint8Array;
  readonly id: Uint8Array;
  nonce = 0n;
  constructor(byte: number) {
    this.seed = new Uint8Array(32).fill(byte);
    this.id = accountId(getPublicKey(this.seed));
  }
  /** A signed tx at the next nonce; the nonce advances only if `keep`. */
  tx(payload: TxPayload, keep = true): Tx {
    const tx = signedTx({ seed: this.seed, payload, nonce: this.nonce, fee: FEE });
    if (keep) this.nonce++;
    return tx;
  }
}

const p = {
  identity: (roles: number, displayName = 'x'): TxPayload => ({
    type: 2,
    roles,
    displayName,
    metadata: META,
  }),
  song: (songId: Uint8Array, splits: readonly Split[], durationS = 180): TxPayload => ({
    type: 3,
    songId,
    title: 'a song',
    metadata: META,
    durationS,
    splits,
  }),
  toMusician: (musician: Uint8Array, amount: bigint): TxPayload => ({
    type: 4,
    targetKind: 0,
    target: musician,
    amount,
    memo: new Uint8Array(),
  }),
  toSong: (songId: Uint8Array, amount: bigint): TxPayload => ({
    type: 4,
    targetKind: 1,
    target: songId,
    amount,
    memo: new Uint8Array(),
  }),
  subscribe: (musician: Uint8Array, amount: bigint, periods: number): TxPayload => ({
    type: 5,
    musician,
    amount,
    periods,
  }),
};

const SONG = new Uint8Array(32).fill(0x5a);
const balanceOf = (h: ChainHarness, account: Uint8Array): bigint =>
  h.chain.state().account(account)?.balance ?? 0n;

/** g -> k1 -> m1 (faucet funds every party) -> k2; returns the parties. */
function funded(h: ChainHarness, count: number): Party[] {
  const parties = Array.from({ length: count }, (_, i) => new Party(0x41 + i));
  h.key('k1', 'g', 1);
  h.micro(
    'm1',
    'k1',
    parties.map((party, i) => transfer(party.id, 100n * ALTO, { nonce: BigInt(i), fee: FEE })),
  );
  h.key('k2', 'm1', 2);
  return parties;
}

test('RegisterIdentity: reg_height at the first registration and when the listener bit is first added; roles add-only', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> m3 -> k4 -> m4 -> m5*
  const h = supplyCheckedHarness(t);
  const [a] = funded(h, 1) as [Party];
  h.micro('m2', 'k2', [a.tx(p.identity(1, 'first'))]);
  t.same(h.chain.state().identity(a.id)?.regHeight, 2n, 'first registration at c = 2');
  h.key('k3', 'm2', 3);
  h.micro('m3', 'k3', [a.tx(p.identity(1, 'renamed'))]);
  const renamed = h.chain.state().identity(a.id);
  t.equal(renamed?.displayName, 'renamed', 'the name is updated');
  t.equal(renamed?.regHeight, 2n, 'a rename keeps reg_height');
  h.key('k4', 'm3', 4);
  h.micro('m4', 'k4', [a.tx(p.identity(3, 'both'))]);
  t.same(h.chain.state().identity(a.id), { roles: 3, displayName: 'both', metadata: META, regHeight: 4n });
  t.equal(
    ruleCode(() => h.micro('m5', 'm4', [a.tx(p.identity(2), false)])),
    'role-removal',
  );
  t.equal(
    ruleCode(() => h.micro('m5', 'm4', [a.tx(p.identity(1), false)])),
    'role-removal',
  );
  t.equal(h.tipName(), 'm4');
});

test('every rule code of RegisterSong, Donate and Subscribe; a refused block changes nothing', async (t) => {
  const h = supplyCheckedHarness(t);
  const [musician, listener, holder, plain] = funded(h, 4) as [Party, Party, Party, Party];
  h.micro('m2', 'k2', [musician.tx(p.identity(1)), listener.tx(p.identity(2)), holder.tx(p.identity(1))]);
  h.micro('m3', 'm2', [musician.tx(p.song(SONG, [{ account: holder.id, bp: 10_000 }]))]);
  const digest = h.digest();
  const refused = (tx: Tx): string | undefined => ruleCode(() => h.micro('bad', 'm3', [tx]));
  const half = { account: holder.id, bp: 5000 };
  const cases: [string, Party, TxPayload][] = [
    ['not-musician', listener, p.song(new Uint8Array(32).fill(1), [half, { account: plain.id, bp: 5000 }])],
    ['not-musician', plain, p.song(new Uint8Array(32).fill(1), [{ account: plain.id, bp: 10_000 }])],
    ['song-exists', holder, p.song(SONG, [{ account: holder.id, bp: 10_000 }])],
    ['bad-duration', musician, p.song(new Uint8Array(32).fill(2), [{ account: holder.id, bp: 10_000 }], 0)],
    [
      'bad-duration',
      musician,
      p.song(new Uint8Array(32).fill(2), [{ account: holder.id, bp: 10_000 }], 7201),
    ],
    ['bad-split', musician, p.song(new Uint8Array(32).fill(3), [])],
    ['bad-split', musician, p.song(new Uint8Array(32).fill(3), [half, { account: plain.id, bp: 4999 }])],
    ['bad-split', musician, p.song(new Uint8Array(32).fill(3), [half, { ...half }])],
    [
      'bad-split',
      musician,
      p.song(new Uint8Array(32).fill(3), [
        { account: holder.id, bp: 10_000 },
        { account: plain.id, bp: 0 },
      ]),
    ],
    ['not-musician', listener, p.toMusician(plain.id, ALTO)],
    ['unknown-song', listener, p.toSong(new Uint8Array(32).fill(9), ALTO)],
    ['self-payment', musician, p.toMusician(musician.id, ALTO)],
    ['self-payment', musician, p.toSong(SONG, ALTO)],
    ['bad-amount', listener, p.toMusician(musician.id, 0n)],
    ['bad-amount', listener, p.subscribe(musician.id, 0n, 1)],
    ['bad-periods', listener, p.subscribe(musician.id, ALTO, 0)],
    ['bad-periods', listener, p.subscribe(musician.id, ALTO, 367)],
    ['subscription-too-small', listener, p.subscribe(musician.id, 3n * MIN_SUB - 1n, 3)],
    ['not-musician', listener, p.subscribe(plain.id, ALTO, 1)],
    ['self-payment', musician, p.subscribe(musician.id, ALTO, 1)],
    ['insufficient-funds', listener, p.toMusician(musician.id, 1000n * ALTO)],
  ];
  for (const [code, sender, payload] of cases) {
    t.equal(refused(sender.tx(payload, false)), code, `${code} (type ${payload.type})`);
  }
  t.equal(h.tipName(), 'm3');
  t.equal(h.digest(), digest, 'nothing changed');
  // The boundary itself is enough: exactly periods × MIN_SUBSCRIPTION_PER_PERIOD.
  t.equal(h.micro('m4', 'm3', [listener.tx(p.subscribe(musician.id, 3n * MIN_SUB, 3))]), 'connected');
  // §4.5 refuses the owner only: a split holder may pay the song it holds a share of.
  t.equal(h.micro('m5', 'm4', [holder.tx(p.toSong(SONG, ALTO))]), 'connected', 'a split holder pays');
});

test('a donation pays the musician amount − floor(amount/10) and the reserve floor(amount/10), to the base unit', async (t) => {
  const h = supplyCheckedHarness(t);
  const [musician, listener] = funded(h, 2) as [Party, Party];
  h.micro('m2', 'k2', [musician.tx(p.identity(1)), listener.tx(p.identity(2))]);
  const before = {
    musician: balanceOf(h, musician.id),
    reserve: balanceOf(h, RESERVE_ACCOUNT),
    listener: balanceOf(h, listener.id),
  };
  const amount = 1_234_567_891n;
  h.micro('m3', 'm2', [listener.tx(p.toMusician(musician.id, amount))]);
  // r = floor(1,234,567,891 / 10) = 123,456,789; a = 1,111,111,102.
  t.equal(balanceOf(h, RESERVE_ACCOUNT) - before.reserve, 123_456_789n);
  t.equal(balanceOf(h, musician.id) - before.musician, 1_111_111_102n);
  t.equal(before.listener - balanceOf(h, listener.id), amount + FEE, 'the sender pays amount + fee');
  t.equal(h.chain.state().listenerPeriod(listener.id).support, amount);
});

test('a donation to a song with a 3-way split: floor per holder, the remainder to the owner, the reserve exactly the rest', async (t) => {
  const h = supplyCheckedHarness(t);
  const [owner, listener, a, b, c] = funded(h, 5) as [Party, Party, Party, Party, Party];
  h.micro('m2', 'k2', [owner.tx(p.identity(1)), listener.tx(p.identity(2))]);
  // The owner holds no share: it gets only the remainder of the floors.
  const splits = [
    { account: a.id, bp: 3333 },
    { account: b.id, bp: 3333 },
    { account: c.id, bp: 3334 },
  ];
  h.micro('m3', 'm2', [owner.tx(p.song(SONG, splits))]);
  t.same(h.chain.state().song(SONG), {
    owner: owner.id,
    title: 'a song',
    metadata: META,
    durationS: 180,
    splits,
    regHeight: 2n,
  });
  const accounts = [owner, a, b, c].map((party) => party.id);
  const before = [...accounts, RESERVE_ACCOUNT].map((id) => balanceOf(h, id));
  h.micro('m4', 'm3', [listener.tx(p.toSong(SONG, 1001n))]);
  // r = 100; a = 901; 901·3333/10000 = 300.30 → 300; 901·3334/10000 = 300.39 → 300; owner 901 − 900 = 1.
  const gained = [...accounts, RESERVE_ACCOUNT].map((id, i) => balanceOf(h, id) - before[i]!);
  t.same(gained, [1n, 300n, 300n, 300n, 100n]);
  // A split holder with no account yet is created by its first positive credit, not by a zero one.
  const fresh = new Uint8Array(20).fill(0xee);
  const tiny = new Uint8Array(32).fill(0x77);
  h.micro('m5', 'm4', [
    owner.tx(
      p.song(tiny, [
        { account: fresh, bp: 1 },
        { account: a.id, bp: 9999 },
      ]),
    ),
  ]);
  h.micro('m6', 'm5', [listener.tx(p.toSong(tiny, 100n))]);
  t.equal(h.chain.state().account(fresh), undefined, 'floor(90·1/10000) = 0 creates no account');
  h.micro('m7', 'm6', [listener.tx(p.toSong(tiny, 20_000n))]);
  t.equal(balanceOf(h, fresh), 1n, 'floor(18,000·1/10000) = 1 creates it');
});

test('Subscribe: until = max(until, c) + periods × REWARD_PERIOD and total_paid adds up; support accumulates and clears at settlement', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> m3 -> k3 -> m4 -> k4 … k11 (settles period 0)
  const h = supplyCheckedHarness(t);
  const [musician, listener] = funded(h, 2) as [Party, Party];
  h.micro('m2', 'k2', [musician.tx(p.identity(1)), listener.tx(p.identity(2))]);
  h.micro('m3', 'm2', [listener.tx(p.subscribe(musician.id, 2n * MIN_SUB, 2))]);
  t.same(h.chain.state().subscription(listener.id, musician.id), {
    until: 2n + 2n * PERIOD,
    totalPaid: 2n * MIN_SUB,
  });
  h.key('k3', 'm3', 3);
  h.micro('m4', 'k3', [
    listener.tx(p.subscribe(musician.id, 5n * MIN_SUB, 1)),
    listener.tx(p.toMusician(musician.id, 7n)),
  ]);
  t.same(
    h.chain.state().subscription(listener.id, musician.id),
    { until: 22n + PERIOD, totalPaid: 7n * MIN_SUB },
    'the second extends the first: max(22, 3) + 10',
  );
  t.same(h.chain.state().listenerPeriod(listener.id), { seconds: 0n, support: 7n * MIN_SUB + 7n });
  let last = 'm4';
  for (let i = 4; i <= 10; i++) {
    h.key(`k${i}`, last, i);
    last = `k${i}`;
  }
  t.equal(h.chain.state().listenerPeriod(listener.id).support, 7n * MIN_SUB + 7n, 'still period 0 at k10');
  h.key('k11', 'k10', 11);
  t.same(h.chain.state().listenerPeriod(listener.id), { seconds: 0n, support: 0n }, 'cleared by settlement');
  t.equal(h.chain.state().range(Uint8Array.of(0x0a), Uint8Array.of(0x0b)).length, 0, 'no 0x0A entry left');
  // A subscription after it lapsed starts from c again.
  h.micro('m12', 'k11', [listener.tx(p.subscribe(musician.id, MIN_SUB, 1))]);
  t.same(h.chain.state().subscription(listener.id, musician.id), {
    until: 32n + PERIOD,
    totalPaid: 8n * MIN_SUB,
  });
});

test('a reorg undoes identities, songs, donations and subscriptions: the digest equals a fresh chain of the winning branch', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> m3 -> k3 -> m4 -> k4          the music branch
  //                       \-> c3 -> c4 -> c5 -> c6*               the winning empty branch, then k5 -> k6
  const h = supplyCheckedHarness(t);
  const [musician, listener, holder] = funded(h, 3) as [Party, Party, Party];
  h.micro('m2', 'k2', [musician.tx(p.identity(1)), listener.tx(p.identity(2))]);
  h.micro('m3', 'm2', [
    musician.tx(
      p.song(SONG, [
        { account: holder.id, bp: 4000 },
        { account: musician.id, bp: 6000 },
      ]),
    ),
    listener.tx(p.toSong(SONG, 12_345n)),
  ]);
  h.key('k3', 'm3', 3);
  h.micro('m4', 'k3', [
    listener.tx(p.subscribe(musician.id, ALTO, 4)),
    listener.tx(p.toMusician(musician.id, ALTO)),
  ]);
  h.key('k4', 'm4', 4);
  const musicDigest = h.digest();
  h.key('c3', 'm1', 0xc3);
  h.key('c4', 'c3', 0xc4);
  h.key('c5', 'c4', 0xc5);
  h.key('c6', 'c5', 0xc6);
  t.equal(h.tipName(), 'c6', 'the longer branch wins');
  const state = h.chain.state();
  t.equal(state.identity(musician.id), undefined);
  t.equal(state.song(SONG), undefined);
  t.equal(state.subscription(listener.id, musician.id), undefined);
  t.same(state.listenerPeriod(listener.id), { seconds: 0n, support: 0n });
  t.equal(balanceOf(h, holder.id), 100n * ALTO);
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(h, ['k1', 'm1', 'c3', 'c4', 'c5', 'c6']);
  t.equal(h.digest(), fresh.digest());
  // And back: the music branch outgrows it and is redone to the digest it had.
  h.key('k5', 'k4', 5);
  h.key('k6', 'k5', 6);
  t.equal(h.tipName(), 'k6');
  const back = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  back.replay(h, ['k1', 'm1', 'k2', 'm2', 'm3', 'k3', 'm4', 'k4']);
  t.equal(back.digest(), musicDigest, 'the music branch replayed alone');
  back.replay(h, ['k5', 'k6']);
  t.equal(h.digest(), back.digest());
});
