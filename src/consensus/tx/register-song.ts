// Type 3 RegisterSong (PROTOCOL.md §4.4). Effects: the music economy's issue.
import { RuleError } from '../../protocol/errors.js';
import { toHex } from '../../util/bytes.js';
import { inactive, noDebit, type TxTypeRules } from './type-rules.js';

const MAX_SONG_SECONDS = 7200;
const SPLIT_TOTAL_BP = 10_000;

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
  context: inactive,
  debit: noDebit,
};
