import { test } from 'tap';
import { REGTEST } from '../../src/protocol/params.js';
import { keyConnect, type ConnectingKeyBlock } from '../../src/state/key-connect.js';
import { isSettlementHeight, proRata } from '../../src/state/settlement.js';
import { OverlayState } from '../../src/state/view.js';
import type { Storage } from '../../src/storage/db.js';
import { genesisStorage } from '../helpers/genesis-storage.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const acct = (n: number): Uint8Array => new Uint8Array(20).fill(n);
const TIME = REGTEST.genesis.time + 100_000;

function block(c: bigint, activation: 0 | 1 | 2 = 1): ConnectingKeyBlock {
  return {
    id: new Uint8Array(32).fill(Number(c)),
    height: c,
    leaderKey: new Uint8Array(32),
    payout: new Uint8Array(20).fill(0xee),
    time: TIME,
    activation,
    endorsers: [],
  };
}

/** The pending credits (0x0F) as `account-hex kind → amount`. */
function credits(view: OverlayState): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const { key, value } of view.range(Uint8Array.of(0x0f), Uint8Array.of(0x10))) {
    const amount = Buffer.from(value.subarray(0, 16)).reduce(
      (n, b, i) => n + (BigInt(b) << BigInt(8 * i)),
      0n,
    );
    out.set(`${hex(key.subarray(9, 29))} ${key[37]}`, amount);
  }
  return out;
}

/** Pools of `infra` and `validators`, the given bonds, then KeyConnect(c) in one overlay. */
function settleWith(
  storage: Storage,
  c: bigint,
  pools: { infra: bigint; validators: bigint },
  bonds: readonly [number, 1 | 3, bigint, number?][],
  activation: 0 | 1 | 2 = 1,
): OverlayState {
  const setup = new OverlayState(storage.read.state);
  setup.setCounters({ ...setup.counters(), infrastructure: pools.infra, validators: pools.validators });
  for (const [n, role, bonded, lastEndorsed] of bonds)
    setup.setBond(acct(n), role, { bonded, lastEndorsed: lastEndorsed ?? TIME });
  storage.commit((tables) => {
    setup.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  keyConnect(view, block(c, activation), REGTEST);
  return view;
}

test('isSettlementHeight: c > 1 and (c − 1) mod REWARD_PERIOD = 0 (regtest: 11, 21, …)', async (t) => {
  const settled = Array.from({ length: 32 }, (_, i) => BigInt(i)).filter((c) =>
    isSettlementHeight(c, REGTEST),
  );
  t.same(settled, [11n, 21n, 31n]);
});

test('proRata: floor(pool·weight/Σweight) each, nothing when Σweight = 0', async (t) => {
  const w = [
    { account: acct(1), weight: 1n },
    { account: acct(2), weight: 1n },
    { account: acct(3), weight: 1n },
  ];
  t.same(
    proRata(100n, w).map((x) => x.weight),
    [33n, 33n, 33n],
    'one unit of dust',
  );
  t.same(proRata(100n, []), []);
  t.same(
    proRata(0n, w).map((x) => x.weight),
    [0n, 0n, 0n],
  );
});

test('settlement pays kind 8 and 9 pro rata to w(a, 3) and w(a, 1), skips weightless bonds, clears the pools', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  // Regtest MIN_STAKE is 1 ALTO per role: account 4's bond is below it and weighs nothing.
  const ALTO = 10n ** 18n;
  const view = settleWith(storage, 11n, { infra: 1000n, validators: 701n }, [
    [1, 3, 2n * ALTO],
    [2, 3, 5n * ALTO],
    [3, 1, 3n * ALTO],
    [4, 1, ALTO - 1n],
    [5, 1, 4n * ALTO],
  ]);
  const paid = credits(view);
  t.equal(paid.get(`${hex(acct(1))} 8`), 285n, 'floor(1000·2/7)');
  t.equal(paid.get(`${hex(acct(2))} 8`), 714n, 'floor(1000·5/7)');
  t.equal(paid.get(`${hex(acct(3))} 9`), 300n, 'floor(701·3/7)');
  t.equal(paid.get(`${hex(acct(5))} 9`), 400n, 'floor(701·4/7)');
  t.equal(paid.get(`${hex(acct(4))} 9`), undefined, 'below the current minimum: weight 0, nothing');
  const counters = view.counters();
  // After settlement step 6 of KeyConnect(11) refills the pools with K_11's own shares.
  t.equal(counters.infrastructure, 2n * ALTO, "only K_11's 2 ALTO: period 0's pool and its dust are gone");
  t.equal(counters.validators, (1875n * ALTO) / 1000n);
});

test('settlement with Σweight = 0 pays nothing; the pools are cleared unminted', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const mintedBefore = new OverlayState(storage.read.state).counters().minted;
  const view = settleWith(storage, 21n, { infra: 1000n, validators: 701n }, [[4, 1, 5n]]);
  const kinds = [...credits(view).keys()].map((k) => k.split(' ')[1]);
  t.notOk(kinds.includes('8') || kinds.includes('9'));
  t.equal(view.counters().minted, mintedBefore, 'nothing minted by settlement');
});

test('no settlement off the boundary: the pools keep accumulating', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const view = settleWith(storage, 12n, { infra: 1000n, validators: 701n }, [[1, 3, 10n ** 18n]]);
  t.equal(credits(view).get(`${hex(acct(1))} 8`), undefined);
  t.equal(view.counters().infrastructure, 1000n + 2n * 10n ** 18n);
});

test('one snapshot: an idle validator unbonded by a fallback KeyConnect at the boundary is still paid for the period', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const idle = TIME - REGTEST.poa.fallbackIdleS - 1;
  const view = settleWith(storage, 11n, { infra: 0n, validators: 1000n }, [[7, 1, 10n ** 18n, idle]], 2);
  t.equal(credits(view).get(`${hex(acct(7))} 9`), 1000n, 'settlement (step 1) reads the state after K.prev');
  t.equal(view.bond(acct(7), 1), undefined, 'then step 3 unbonds it');
  t.equal(view.range(Uint8Array.of(0x05), Uint8Array.of(0x06)).length, 1, 'into one unbonding entry');
});

test('a bootstrap KeyConnect leaves idle validators bonded', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const idle = TIME - REGTEST.poa.fallbackIdleS - 1;
  const view = settleWith(storage, 12n, { infra: 0n, validators: 0n }, [[7, 1, 10n ** 18n, idle]], 1);
  t.equal(view.bond(acct(7), 1)?.bonded, 10n ** 18n);
});

test("§5.4: an included endorsement sets its validator's last_endorsed to K.time; others keep theirs", async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const setup = new OverlayState(storage.read.state);
  setup.setBond(acct(1), 1, { bonded: 10n ** 18n, lastEndorsed: 5 });
  setup.setBond(acct(2), 1, { bonded: 10n ** 18n, lastEndorsed: 5 });
  storage.commit((tables) => {
    setup.writeTo(tables.state);
  });
  const view = new OverlayState(storage.read.state);
  keyConnect(view, { ...block(12n, 0), endorsers: [acct(1), acct(1), acct(1)] }, REGTEST);
  t.same(view.bond(acct(1), 1), { bonded: 10n ** 18n, lastEndorsed: TIME });
  t.same(view.bond(acct(2), 1), { bonded: 10n ** 18n, lastEndorsed: 5 });
});
