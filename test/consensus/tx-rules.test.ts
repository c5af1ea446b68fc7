import { test } from 'tap';
import { checkTxContext, checkTxSanity, checkTxsSanity } from '../../src/consensus/tx-rules.js';
import type { Account, Counters, StateView } from '../../src/consensus/state-view.js';
import { EMPTY_COUNTERS } from '../../src/state/entries.js';
import { REGTEST, TESTNET } from '../../src/protocol/params.js';
import { FAUCET_ACCOUNT, FAUCET_SEED, signedTx, transfer } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ALICE = new Uint8Array(20).fill(0xa1);

/** A fixed state: the faucet holds `balance` at `nonce`. */
function stateWith(balance: bigint, nonce = 0n): StateView {
  const accounts = new Map<string, Account>([[hex(FAUCET_ACCOUNT), { balance, nonce }]]);
  return {
    account: (id) => accounts.get(hex(id)),
    counters: (): Counters => EMPTY_COUNTERS,
    epoch: () => undefined,
    proposal: () => undefined,
    param: () => undefined,
    bond: () => undefined,
    identity: () => undefined,
    song: () => undefined,
    app: () => undefined,
    serialStart: () => undefined,
  };
}

test('the regtest faucet seed controls the account of the regtest genesis allocation', async (t) => {
  t.equal(hex(FAUCET_ACCOUNT), REGTEST.genesis.allocations[0]!.account);
});

test('bad-signature: a flipped bit, another network, a non-canonical or small-order sender key', async (t) => {
  const tx = transfer(ALICE, 5n);
  t.doesNotThrow(() => {
    checkTxSanity(tx, REGTEST);
  }, 'the honest transaction passes');
  const flipped = { ...tx, signature: tx.signature.map((b, i) => (i === 40 ? b ^ 1 : b)) };
  t.throws(
    () => {
      checkTxSanity(flipped, REGTEST);
    },
    { code: 'bad-signature' },
  );
  t.throws(
    () => {
      checkTxSanity(tx, TESTNET);
    },
    { code: 'bad-signature' },
    'the chain id is in the signed message',
  );
  const smallOrder = { ...tx, sender: Uint8Array.from([1, ...new Array<number>(31).fill(0)]) };
  t.throws(
    () => {
      checkTxSanity(smallOrder, REGTEST);
    },
    { code: 'bad-signature' },
    'the identity as sender',
  );
  const nonCanonical = { ...tx, sender: Uint8Array.from([...new Array<number>(31).fill(0xff), 0x7f]) };
  t.throws(
    () => {
      checkTxSanity(nonCanonical, REGTEST);
    },
    { code: 'bad-signature' },
    'y ≥ p',
  );
  t.throws(
    () => {
      checkTxsSanity([tx, transfer(ALICE, 6n, { nonce: 1n }), flipped], REGTEST);
    },
    { code: 'bad-signature', details: { index: 2 } },
    'the batch names the bad one',
  );
  // The signature cache: only transactions this node has not verified yet are verified.
  const second = transfer(ALICE, 6n, { nonce: 1n });
  t.throws(
    () => {
      checkTxsSanity([flipped, second, flipped], REGTEST, (x) => x === flipped && false);
    },
    { code: 'bad-signature', details: { index: 0 } },
  );
  t.throws(
    () => {
      checkTxsSanity([tx, second, flipped], REGTEST, (x) => x === tx);
    },
    { code: 'bad-signature', details: { index: 2 } },
    'indexes stay those of the block when some are skipped',
  );
  t.doesNotThrow(() => {
    checkTxsSanity([tx, flipped], REGTEST, (x) => x === flipped);
  }, 'a transaction marked verified is not verified again');
});

test('bad-amount: a transfer of zero', async (t) => {
  t.throws(
    () => {
      checkTxSanity(transfer(ALICE, 0n), REGTEST);
    },
    { code: 'bad-amount' },
  );
});

test('unknown-account: a sender with no account cannot pay a fee', async (t) => {
  const stranger = transfer(ALICE, 5n, { seed: new Uint8Array(32).fill(3) });
  t.throws(
    () => {
      checkTxContext(stranger, stateWith(100n), { keyHeight: 1n, timeS: 0n }, REGTEST);
    },
    { code: 'unknown-account' },
  );
});

test('bad-nonce: the nonce must equal the account nonce', async (t) => {
  t.throws(
    () => {
      checkTxContext(
        transfer(ALICE, 5n, { nonce: 1n }),
        stateWith(100_000n, 0n),
        { keyHeight: 1n, timeS: 0n },
        REGTEST,
      );
    },
    { code: 'bad-nonce' },
  );
  t.throws(
    () => {
      checkTxContext(
        transfer(ALICE, 5n, { nonce: 0n }),
        stateWith(100_000n, 1n),
        { keyHeight: 1n, timeS: 0n },
        REGTEST,
      );
    },
    { code: 'bad-nonce' },
  );
});

test('expired: valid_until below the containing key height; 0 means no expiry', async (t) => {
  const tx = transfer(ALICE, 5n, { validUntil: 10n });
  t.doesNotThrow(() => {
    checkTxContext(tx, stateWith(100_000n), { keyHeight: 10n, timeS: 0n }, REGTEST);
  });
  t.throws(
    () => {
      checkTxContext(tx, stateWith(100_000n), { keyHeight: 11n, timeS: 0n }, REGTEST);
    },
    { code: 'expired' },
  );
  t.doesNotThrow(() => {
    checkTxContext(transfer(ALICE, 5n), stateWith(100_000n), { keyHeight: 1_000_000n, timeS: 0n }, REGTEST);
  });
});

test('insufficient-funds: balance must cover fee plus amount', async (t) => {
  const tx = transfer(ALICE, 5n, { fee: 10n });
  t.doesNotThrow(() => {
    checkTxContext(tx, stateWith(15n), { keyHeight: 1n, timeS: 0n }, REGTEST);
  });
  t.throws(
    () => {
      checkTxContext(tx, stateWith(14n), { keyHeight: 1n, timeS: 0n }, REGTEST);
    },
    { code: 'insufficient-funds' },
  );
});

test('not-app: a PlayReport reaches its own rules (every type is active); an app without stake is IGNOREd at gossip', async (t) => {
  const report = signedTx({
    seed: FAUCET_SEED,
    payload: {
      type: 8,
      app: new Uint8Array(20),
      attestations: [
        {
          songId: new Uint8Array(32),
          listenerKey: new Uint8Array(32),
          startS: 0n,
          seconds: 60,
          app: new Uint8Array(20),
          serial: 0n,
          sig: new Uint8Array(64),
        },
      ],
    },
  });
  t.throws(
    () => {
      checkTxContext(report, stateWith(100_000n), { keyHeight: 1n, timeS: 0n }, REGTEST);
    },
    { code: 'not-app', gossip: 'ignore' },
  );
});

test('bad-count: a play report with no attestations', async (t) => {
  const report = signedTx({
    seed: FAUCET_SEED,
    payload: { type: 8, app: new Uint8Array(20), attestations: [] },
  });
  t.throws(
    () => {
      checkTxSanity(report, REGTEST);
    },
    { code: 'bad-count' },
  );
});

test('bad-role, bad-duration, bad-split, bad-periods, bad-voting-period, bad-amount, insufficient-stake: per-type sanity', async (t) => {
  const sane = (payload: Parameters<typeof signedTx>[0]['payload']) => () => {
    checkTxSanity(signedTx({ seed: FAUCET_SEED, payload }), REGTEST);
  };
  const zero20 = new Uint8Array(20);
  const meta = new Uint8Array(32);
  t.throws(sane({ type: 2, roles: 0, displayName: 'x', metadata: meta }), { code: 'bad-role' });
  t.throws(sane({ type: 2, roles: 4, displayName: 'x', metadata: meta }), { code: 'bad-role' });
  t.doesNotThrow(sane({ type: 2, roles: 3, displayName: 'Ünïcødé 🎵', metadata: meta }));
  const song = (durationS: number, splits: { account: Uint8Array; bp: number }[]) =>
    sane({ type: 3, songId: meta, title: 't', metadata: meta, durationS, splits });
  const a = new Uint8Array(20).fill(1);
  const b = new Uint8Array(20).fill(2);
  t.throws(song(0, [{ account: a, bp: 10_000 }]), { code: 'bad-duration' });
  t.throws(song(7201, [{ account: a, bp: 10_000 }]), { code: 'bad-duration' });
  t.doesNotThrow(
    song(7200, [
      { account: a, bp: 7000 },
      { account: b, bp: 3000 },
    ]),
  );
  t.throws(song(60, []), { code: 'bad-split' }, 'empty');
  t.throws(
    song(60, [
      { account: a, bp: 10_000 },
      { account: b, bp: 0 },
    ]),
    { code: 'bad-split' },
    'a zero share',
  );
  t.throws(
    song(60, [
      { account: a, bp: 5000 },
      { account: a, bp: 5000 },
    ]),
    { code: 'bad-split' },
    'one account twice',
  );
  t.throws(song(60, [{ account: a, bp: 9999 }]), { code: 'bad-split' }, 'not 10,000 bp');
  t.throws(sane({ type: 5, musician: zero20, amount: 1n, periods: 0 }), { code: 'bad-periods' });
  t.throws(sane({ type: 5, musician: zero20, amount: 1n, periods: 367 }), { code: 'bad-periods' });
  t.throws(sane({ type: 9, kind: 0, votingPeriod: 1, text: 'x' }), { code: 'bad-voting-period' });
  t.throws(sane({ type: 9, kind: 0, votingPeriod: 101, text: 'x' }), { code: 'bad-voting-period' });
  t.doesNotThrow(sane({ type: 9, kind: 0, votingPeriod: 2, text: 'x' }));
  t.throws(sane({ type: 4, targetKind: 0, target: zero20, amount: 0n, memo: new Uint8Array() }), {
    code: 'bad-amount',
  });
  t.throws(sane({ type: 6, role: 1, amount: 0n }), { code: 'bad-amount' });
  t.throws(sane({ type: 7, role: 1, amount: 0n }), { code: 'insufficient-stake' });
});
