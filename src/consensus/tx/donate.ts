// Type 4 Donate (PROTOCOL.md §4.5): `amount > 0` to a musician (kind 0, an
// account with the musician role) or to a song (kind 1, registered); never to
// oneself (`self-payment`: the musician, or the song's owner or a split
// holder, decision 170). Debit = amount; the effect pays it 90/10
// (consensus/music-payment.ts) and adds it to the sender's period support.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { toHex } from '../../util/bytes.js';
import { isMusician, paysOwnSong, sameAccount } from '../music.js';
import type { TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

export const donateRules: TxTypeRules<4> = {
  sanity(p) {
    // Other kinds are `bad-target-kind` at decoding (protocol/tx.ts).
    if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
  },
  context(tx, view) {
    const sender = accountId(tx.sender);
    const p = tx.payload;
    if (p.targetKind === 0) {
      // [IGNORE] The role may be registered in a block this node has not seen.
      if (!isMusician(view, p.target)) throw new RuleError('not-musician', {}, IGNORE);
      if (sameAccount(sender, p.target)) throw new RuleError('self-payment', {}, IGNORE);
      return;
    }
    const song = view.song(p.target);
    if (song === undefined) throw new RuleError('unknown-song', { songId: toHex(p.target) }, IGNORE);
    // [IGNORE] A song of the same id on another branch may have other holders.
    if (paysOwnSong(sender, song)) {
      throw new RuleError('self-payment', { songId: toHex(p.target) }, IGNORE);
    }
  },
  debit: (p) => p.amount,
};
