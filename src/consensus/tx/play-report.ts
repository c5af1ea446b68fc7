// Type 8 PlayReport (PROTOCOL.md §4.9): a staked app (or its service key)
// reports up to 1,000 listener-signed plays. Sanity: count ≥ 1, the fee
// covers count × PLAY_FEE, each attestation names the report's app and
// lasts ≥ 1 s. Context: the app is staked (`not-app`), the sender is the app
// or its service key (`not-app-key`), then §4.9's fatal rules per attestation
// in list order — song, duration, window, future, signature, serial — the
// code and index reported being those of the first failure, as checking one
// attestation at a time would find (decision 174). The counted-play rules
// are not fatal: state/effects/play-report.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import type { NetworkParams } from '../../protocol/params.js';
import type { PayloadOf } from '../../protocol/tx.js';
import { toHex } from '../../util/bytes.js';
import { attestationListeners, firstBadAttestation } from '../attestation.js';
import { sameAccount } from '../music.js';
import { weightOfBond } from '../stake.js';
import type { Song, StateView } from '../state-view.js';
import type { TxContext, TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

/** §4.9: a play may end at most this many seconds after t (`play-in-future`). */
export const PLAY_FUTURE_LIMIT_S = 120n;

/** The app stake role (§4.7). */
const APP_ROLE = 2;

export const playReportRules: TxTypeRules<8> = {
  sanity(p, params, tx) {
    const count = p.attestations.length;
    if (count === 0) throw new RuleError('bad-count', { count: 0 });
    const needed = BigInt(count) * params.playFee;
    if (tx.fee < needed) throw new RuleError('fee-too-low', { fee: tx.fee, needed, count });
    p.attestations.forEach((a, index) => {
      if (!sameAccount(a.app, p.app)) {
        throw new RuleError('bad-attestation', { index, reason: 'another app', app: toHex(a.app) });
      }
      if (a.seconds < 1) throw new RuleError('bad-attestation', { index, reason: 'zero seconds' });
    });
  },
  context(tx, view, context, params) {
    const p = tx.payload;
    // [IGNORE] Stake and app records may differ on another branch.
    const bond = view.bond(p.app, APP_ROLE);
    if (weightOfBond(view, bond?.bonded ?? 0n, APP_ROLE, params) === 0n) {
      throw new RuleError('not-app', { app: toHex(p.app) }, IGNORE);
    }
    const sender = accountId(tx.sender);
    if (!sameAccount(sender, p.app)) {
      const serviceKey = view.app(p.app)?.serviceKey;
      if (serviceKey === undefined || !sameAccount(sender, accountId(serviceKey))) {
        throw new RuleError('not-app-key', { app: toHex(p.app), sender: toHex(sender) }, IGNORE);
      }
    }
    checkAttestations(p, view, context, params);
  },
  debit: () => 0n,
};

interface Failure {
  readonly index: number;
  readonly error: RuleError;
  /** The rule comes after the signature in §4.9's order (`duplicate-play`). */
  readonly afterSignature: boolean;
}

/**
 * §4.9's fatal rules over the attestations in list order. The state and time rules run first,
 * without signatures, to find the first failure; the signatures are then verified in one batch
 * (remembered with the payload) only when one before that failure could come first, so a report
 * failing on its first attestation's song costs no verification.
 */
function checkAttestations(
  p: PayloadOf<8>,
  view: StateView,
  context: TxContext,
  params: NetworkParams,
): void {
  const failure = firstStateFailure(p, view, context, params);
  const before =
    failure === undefined ? p.attestations.length : failure.index + (failure.afterSignature ? 1 : 0);
  if (before > 0) {
    const bad = firstBadAttestation(p, params);
    // [REJECT] No state makes a bad listener signature good.
    if (bad !== -1 && bad < before) throw new RuleError('bad-attestation-signature', { index: bad });
  }
  if (failure !== undefined) throw failure.error;
}

/** The first attestation failing a fatal rule other than its signature, with that rule's error. */
function firstStateFailure(
  p: PayloadOf<8>,
  view: StateView,
  context: TxContext,
  params: NetworkParams,
): Failure | undefined {
  const { attestations } = p;
  const listeners = attestationListeners(p);
  const t = context.timeS;
  const windowStart = t - BigInt(params.playReportWindowS);
  const playFloor = view.counters().playFloor;
  const oldest = windowStart > playFloor ? windowStart : playFloor;
  const latestEnd = t + PLAY_FUTURE_LIMIT_S;
  const seen = new Map<bigint, Uint8Array[]>(); // serial → listeners that used it in this report
  // [IGNORE] each: songs, serials and the time differ between branches and nodes.
  const fail = (index: number, error: RuleError, afterSignature = false): Failure => ({
    index,
    error,
    afterSignature,
  });
  const songs = new Map<string, Song | undefined>(); // a report names few songs many times
  let last: { readonly songId: Uint8Array; readonly song: Song | undefined } | undefined; // often the same
  for (const [index, a] of attestations.entries()) {
    if (last === undefined || !sameAccount(last.songId, a.songId)) {
      const songKey = toHex(a.songId);
      if (!songs.has(songKey)) songs.set(songKey, view.song(a.songId));
      last = { songId: a.songId, song: songs.get(songKey) };
    }
    const { song } = last;
    if (song === undefined) {
      return fail(index, new RuleError('unknown-song', { index, songId: toHex(a.songId) }, IGNORE));
    }
    if (a.seconds > song.durationS) {
      const details = {
        index,
        reason: 'longer than the song',
        seconds: a.seconds,
        durationS: song.durationS,
      };
      return fail(index, new RuleError('bad-attestation', details, IGNORE));
    }
    if (a.startS < oldest) {
      return fail(index, new RuleError('play-too-old', { index, startS: a.startS, oldest }, IGNORE));
    }
    const end = a.startS + BigInt(a.seconds);
    if (end > latestEnd) {
      return fail(index, new RuleError('play-in-future', { index, end, latestEnd }, IGNORE));
    }
    const listener = listeners[index]!;
    const used = seen.get(a.serial);
    if (used?.some((l) => sameAccount(l, listener)) || view.serialStart(listener, a.serial) !== undefined) {
      const details = { index, listener: toHex(listener), serial: a.serial };
      return fail(index, new RuleError('duplicate-play', details, IGNORE), true);
    }
    if (used === undefined) seen.set(a.serial, [listener]);
    else used.push(listener);
  }
  return undefined;
}
