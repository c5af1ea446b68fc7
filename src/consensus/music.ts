// What the music rules ask of identities and songs (PROTOCOL.md §4.3–§4.6):
// role bits, and who counts as paying oneself.
import type { Song, StateView } from './state-view.js';

/** Role bits of a 0x02 identity (§4.3). */
export const ROLE_MUSICIAN = 0x01;
export const ROLE_LISTENER = 0x02;

/** Whether `account` holds the musician role. */
export function isMusician(view: Pick<StateView, 'identity'>, account: Uint8Array): boolean {
  return ((view.identity(account)?.roles ?? 0) & ROLE_MUSICIAN) !== 0;
}

/** Byte equality without copying either side: a PlayReport compares every listener with every split holder. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether `sender` paying `song` pays itself (§4.5: "sender ≠ musician/owner"): it is the owner.
 * A split holder may pay a song it holds a share of (decision 170).
 */
export function paysOwnSong(sender: Uint8Array, song: Pick<Song, 'owner'>): boolean {
  return same(sender, song.owner);
}

export { same as sameAccount };
