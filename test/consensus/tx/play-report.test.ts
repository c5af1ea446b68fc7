// PlayReport's rules (PROTOCOL.md §4.9) on a fixed state: the stored
// play_floor bounds the window as t − PLAY_REPORT_WINDOW does, a governance
// raise of the app minimum makes an app's stake weightless (`not-app`), and a
// report whose txid the signature cache holds is not verified again.
import { test } from 'tap';
import type { StateView } from '../../../src/consensus/state-view.js';
import { checkTxContext, checkTxsSanity } from '../../../src/consensus/tx-rules.js';
import { PARAM_MIN_STAKE_APP } from '../../../src/consensus/governed-params.js';
import { REGTEST } from '../../../src/protocol/params.js';
import type { Attestation, Tx } from '../../../src/protocol/tx.js';
import { EMPTY_COUNTERS } from '../../../src/state/entries.js';
import { Party, report } from '../../helpers/plays.js';

const ALTO = 10n ** 18n;
const SONG = new Uint8Array(32).fill(0x5a);
const T = 2_000_000_000n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const app = new Party(0x41);
const listener = new Party(0x42);

/** The app staked 1 ALTO and funded; SONG lasts 180 s; play_floor and MIN_STAKE[app] as given. */
function stateWith(options: { playFloor?: bigint; minAppStake?: bigint } = {}): StateView {
  return {
    account: (id) => (hex(id) === hex(app.id) ? { balance: 100n * ALTO, nonce: 0n } : undefined),
    bond: (id, role) =>
      hex(id) === hex(app.id) && role === 2 ? { bonded: ALTO, lastEndorsed: 0 } : undefined,
    counters: () => ({ ...EMPTY_COUNTERS, playFloor: options.playFloor ?? 0n }),
    epoch: () => undefined,
    proposal: () => undefined,
    param: (id) => (id === PARAM_MIN_STAKE_APP ? options.minAppStake : undefined),
    identity: () => undefined,
    song: (id) =>
      hex(id) === hex(SONG)
        ? {
            owner: new Uint8Array(20),
            title: 's',
            metadata: new Uint8Array(32),
            durationS: 180,
            splits: [],
            regHeight: 1n,
          }
        : undefined,
    app: () => undefined,
    serialStart: () => undefined,
  };
}

const reportOf = (attestations: readonly Attestation[]): Tx =>
  app.tx(report(app.id, attestations), { keep: false });
const context = (tx: Tx, view: StateView) => () => {
  checkTxContext(tx, view, { keyHeight: 5n, timeS: T }, REGTEST);
};

test('play-too-old: start_s below the stored play_floor, though inside t − PLAY_REPORT_WINDOW', async (t) => {
  const tx = reportOf([listener.play(SONG, app.id, T - 1000n, 60)]);
  t.doesNotThrow(context(tx, stateWith({ playFloor: T - 1000n })), 'at play_floor');
  t.throws(context(tx, stateWith({ playFloor: T - 999n })), { code: 'play-too-old', gossip: 'ignore' });
  t.throws(context(reportOf([listener.play(SONG, app.id, T - 86_401n, 60)]), stateWith()), {
    code: 'play-too-old',
  });
});

test('not-app: an app bond below the MIN_STAKE[app] in force weighs nothing', async (t) => {
  const tx = reportOf([listener.play(SONG, app.id, T - 1000n, 60)]);
  t.doesNotThrow(context(tx, stateWith({ minAppStake: ALTO })));
  t.throws(context(tx, stateWith({ minAppStake: ALTO + 1n })), { code: 'not-app', gossip: 'ignore' });
});

test('bad-attestation-signature is REJECT; a report whose txid the signature cache holds is not verified again', async (t) => {
  const forged = (): Tx => {
    const a = listener.play(SONG, app.id, T - 1000n, 60);
    return reportOf([{ ...a, sig: new Uint8Array(64).fill(1) }]);
  };
  t.throws(context(forged(), stateWith()), { code: 'bad-attestation-signature', gossip: 'reject' });
  // Only a transaction the mempool admitted (its attestations verified) is ever in the cache: the
  // forged one stands in for it, to show the block's copy is trusted, not verified again.
  const cached = forged();
  checkTxsSanity([cached], REGTEST, () => true);
  t.doesNotThrow(context(cached, stateWith()));
  const uncached = forged();
  checkTxsSanity([uncached], REGTEST, () => false);
  t.throws(context(uncached, stateWith()), { code: 'bad-attestation-signature' });
});
