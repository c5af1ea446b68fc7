import { test } from 'tap';
import { RESERVE_ACCOUNT } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { applyTx } from '../../src/state/apply.js';
import { stateDigest } from '../../src/state/digest.js';
import { OverlayState } from '../../src/state/view.js';
import { genesisStorage } from '../helpers/genesis-storage.js';
import { FAUCET_ACCOUNT, transfer } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ALTO = 10n ** 18n;
const ALICE = new Uint8Array(20).fill(0xa1);

test('genesis state: the faucet allocation, the reserve account and minted = the allocation', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const view = new OverlayState(storage.read.state);
  t.same(view.account(FAUCET_ACCOUNT), { balance: 1_000_000n * ALTO, nonce: 0n });
  t.same(view.account(RESERVE_ACCOUNT), { balance: 0n, nonce: 0n });
  t.equal(view.counters().minted, 1_000_000n * ALTO);
  t.equal([...storage.read.state.range()].length, 3, 'two accounts and the counters record');
});

test('a transfer moves the amount, debits the fee into the accumulator and bumps the nonce; undo restores the digest', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const before = hex(stateDigest(storage.read.state));
  const view = new OverlayState(storage.read.state);
  applyTx(
    view,
    transfer(ALICE, 7n * ALTO, { fee: 1000n }),
    { keyHeight: 1n, keyTime: 0, timeS: 0n },
    REGTEST,
  );
  applyTx(
    view,
    transfer(ALICE, 1n, { fee: 1000n, nonce: 1n }),
    { keyHeight: 1n, keyTime: 0, timeS: 0n },
    REGTEST,
  );
  storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  const after = new OverlayState(storage.read.state);
  t.same(after.account(ALICE), { balance: 7n * ALTO + 1n, nonce: 0n }, 'the recipient was created');
  t.same(after.account(FAUCET_ACCOUNT), { balance: 1_000_000n * ALTO - 7n * ALTO - 1n - 2000n, nonce: 2n });
  t.equal(after.counters().fees, 2000n);
  t.not(hex(stateDigest(storage.read.state)), before);
  // Undo: every touched key back to its prior value, in reverse.
  storage.commit((tables) => {
    for (const { key, prior } of [...view.undoEntries()].reverse()) {
      if (prior === undefined) tables.state.remove(key);
      else tables.state.put(key, prior);
    }
  });
  t.equal(hex(stateDigest(storage.read.state)), before, 'the digest is back to genesis');
});

test('a fault between two writes of a block leaves the database and its digest exactly as before', async (t) => {
  const storage = genesisStorage((fn) => {
    t.teardown(fn);
  });
  const before = hex(stateDigest(storage.read.state));
  const view = new OverlayState(storage.read.state);
  applyTx(view, transfer(ALICE, 5n), { keyHeight: 1n, keyTime: 0, timeS: 0n }, REGTEST);
  let writes = 0;
  t.throws(() => {
    storage.commit((tables) => {
      view.writeTo({
        ...tables.state,
        put: (key, value) => {
          if (++writes === 2) throw new Error('injected fault');
          tables.state.put(key, value);
        },
        remove: (key) => {
          tables.state.remove(key);
        },
      });
    });
  });
  t.equal(hex(stateDigest(storage.read.state)), before);
  const retry = new OverlayState(storage.read.state);
  applyTx(retry, transfer(ALICE, 5n), { keyHeight: 1n, keyTime: 0, timeS: 0n }, REGTEST);
  storage.commit((tables) => {
    retry.writeTo(tables.state);
  });
  t.same(
    new OverlayState(storage.read.state).account(ALICE),
    { balance: 5n, nonce: 0n },
    'the store is still usable',
  );
});
