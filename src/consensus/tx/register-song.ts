// Type 3 RegisterSong (PROTOCOL.md §4.4): a musician registers a song under an
// unused id with its duration and an immutable royalty split (non-empty,
// ≤ 16 holders — the codec's limit —, bp > 0, distinct, Σ = 10,000); the
// owner is the sender. The effect is state/effects/register-song.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { toHex } from '../../util/bytes.js';
import { isMusician } from '../music.js';
import { noDebit, type TxTypeRules } from './type-rules.js';

export const MAX_SONG_SECONDS = 7200;
const SPLIT_TOTAL_BP = 10_000;
const IGNORE = { gossip: 'ignore' } as const;

export const registerSongRules: TxTypeRules<3> = {
  sanity(p) {
    if (p.durationS < 1 || p.durationS > MAX_SONG_SECONDS) {
      throw new RuleError('bad-duration', { durationS: p.durationS });
    }
    // Non-empty, every bp > 0, distinct accounts, Σ bp = 10,000.
    const accounts = new Set(p.splits.map((s) => toHex(s.account)));
    const total = p.splits.reduce((sum, s) => sum + s.bp, 0);
    if (
      p.splits.length === 0 ||
      p.splits.some((s) => s.bp === 0) ||
      accounts.size !== p.splits.length ||
      total !== SPLIT_TOTAL_BP
    ) {
      throw new RuleError('bad-split', { splits: p.splits.length, total });
    }
  },
  context(tx, view) {
    // [IGNORE] Both depend on the state: another node may have seen the registration.
    if (!isMusician(view, accountId(tx.sender))) throw new RuleError('not-musician', {}, IGNORE);
    if (view.song(tx.payload.songId) !== undefined) {
      throw new RuleError('song-exists', { songId: toHex(tx.payload.songId) }, IGNORE);
    }
  },
  debit: noDebit,
};
