import { test } from 'tap';
import { REGTEST } from '../../src/protocol/params.js';
import { stateDigest } from '../../src/state/digest.js';
import {
  PREFIX_ACCOUNT,
  PREFIX_PENDING,
  decodeAccount,
  decodePending,
  decodePendingKey,
  kindMints,
} from '../../src/state/entries.js';
import { keyConnect, type ConnectingKeyBlock } from '../../src/state/key-connect.js';
import { OverlayState } from '../../src/state/view.js';
import { Storage } from '../../src/storage/db.js';
import { genesisStorage } from '../helpers/genesis-storage.js';

const ALTO = 10n ** 18n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const payoutOf = (c: bigint): Uint8Array => new Uint8Array(20).fill(Number(c % 200n) + 1);

function block(c: bigint): ConnectingKeyBlock {
  return {
    id: new Uint8Array(32).fill(Number(c)),
    height: c,
    leaderKey: new Uint8Array(32),
    payout: payoutOf(c),
    time: 1_800_000_000 + Number(c) * 60,
    activation: 1,
    endorsers: [],
  };
}

/** Applies KeyConnect for c in its own transaction; `fees` first go into the accumulator. */
function connect(storage: Storage, c: bigint, fees = 0n): OverlayState {
  const view = new OverlayState(storage.read.state);
  if (fees > 0n) view.setCounters({ ...view.counters(), fees: view.counters().fees + fees });
  keyConnect(view, block(c), REGTEST);
  storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  return view;
}

/** Σ balances + pending transfers + the fee accumulator, which must equal minted − burned (§6.1). */
function circulating(storage: Storage): bigint {
  let total = 0n;
  for (const { value } of storage.read.state.range(
    Uint8Array.of(PREFIX_ACCOUNT),
    Uint8Array.of(PREFIX_ACCOUNT + 1),
  )) {
    total += decodeAccount(value).balance;
  }
  for (const { key, value } of storage.read.state.range(
    Uint8Array.of(PREFIX_PENDING),
    Uint8Array.of(PREFIX_PENDING + 1),
  )) {
    if (!kindMints(decodePendingKey(key).kind)) total += decodePending(value).amount;
  }
  return total + new OverlayState(storage.read.state).counters().fees;
}

test("the miner's share pends for REWARD_MATURITY key blocks, then becomes balance and counts as minted", async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const mintedAtGenesis = new OverlayState(storage.read.state).counters().minted;
  connect(storage, 1n);
  const state = (): OverlayState => new OverlayState(storage.read.state);
  t.equal(state().account(payoutOf(1n)), undefined, 'nothing credited at once');
  connect(storage, 2n);
  t.equal(state().account(payoutOf(1n)), undefined, 'nor one block later');
  connect(storage, 3n);
  t.same(
    state().account(payoutOf(1n)),
    { balance: 3n * ALTO, nonce: 0n },
    'credited at 1 + REWARD_MATURITY (2)',
  );
  t.equal(state().counters().minted, mintedAtGenesis + 3n * ALTO);
  t.equal(
    state().counters().musicians,
    (3n * (25n * ALTO)) / 10n,
    'the musician pool grows by 2.5 ALTO a block',
  );
});

test('leader fees: 40% to the closed epoch leader, 60% to the next, as transfers that mint nothing', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  connect(storage, 1n);
  connect(storage, 2n, 1000n); // epoch 1 collected 1,000 in fees
  const mintedBefore = new OverlayState(storage.read.state).counters().minted;
  connect(storage, 3n);
  connect(storage, 4n);
  const state = new OverlayState(storage.read.state);
  t.equal(
    state.account(payoutOf(1n))?.balance,
    3n * ALTO + 400n,
    "epoch 1's leader: its miner share and 40%",
  );
  t.equal(
    state.account(payoutOf(2n))?.balance,
    3n * ALTO + 600n,
    "epoch 2's leader: its miner share and 60%",
  );
  t.equal(state.counters().fees, 0n, 'the accumulator was reset');
  t.equal(state.counters().minted, mintedBefore + 2n * 3n * ALTO, 'fees moved, only subsidy was minted');
});

test('supply: circulating coins equal minted − burned after every key block', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  // Fees the test drops into the accumulator come from nowhere: count them beside minted.
  let injected = 0n;
  const broken: bigint[] = [];
  for (let c = 1n; c <= 30n; c++) {
    const fees = c % 3n === 0n ? 777n * c : 0n;
    injected += fees;
    connect(storage, c, fees);
    const { minted, burned } = new OverlayState(storage.read.state).counters();
    if (circulating(storage) !== minted - burned + injected) broken.push(c);
  }
  t.same(broken, [], 'checked after each of 30 key blocks');
});

test('undoing a KeyConnect restores the state digest', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  connect(storage, 1n);
  connect(storage, 2n, 50n);
  const before = hex(stateDigest(storage.read.state));
  const view = connect(storage, 3n);
  t.not(hex(stateDigest(storage.read.state)), before);
  storage.commit((tables) => {
    for (const { key, prior } of [...view.undoEntries()].reverse()) {
      if (prior === undefined) tables.state.remove(key);
      else tables.state.put(key, prior);
    }
  });
  t.equal(hex(stateDigest(storage.read.state)), before);
});
