/**
 * Every sub-database of the node's LMDB environment and what its keys mean.
 * Retired names stay listed and are never reused.
 *
 *   meta    'version'              -> schema version (u32 LE)
 *   meta    'tip'                  -> id of the best chain's tip block [32]
 *   state   prefix ‖ parts         -> the consensus state of PROTOCOL.md §9.1, keys and values
 *                                     byte-exact as the protocol defines them (prefixes 0x01–0x14)
 *   meta    'index-next'           -> how many index records there are (u64 BE): the next one's number
 *   blocks  id [32]                -> kind u8 (0 key block, 1 microblock) ‖ encoding
 *   index   number u64 BE          -> one record per stored block, numbered in the order stored, so a
 *                                     parent always comes before its children (schema 2):
 *                                     kind u8 (0 key, 1 micro) ‖ activation u8 (key blocks; 0 for
 *                                     micro) ‖ the key block's 184 bytes, or the microblock's
 *                                     124-byte unsigned header
 *   undo    id [32]                -> undo record of the block (state/undo.ts)
 *   txindex txid [32]              -> id [32] of the best-chain microblock holding it ‖ position u32 LE;
 *                                     written and removed with the block's connect and disconnect
 *   rewards 0x00 ‖ account [20]    -> credited u128 BE: Σ of the account's records below (the
 *                                     address's all-time total; pending = the records not matured yet)
 *   rewards 0x01 ‖ account [20] ‖ source height u64 BE ‖ kind u8
 *                                  -> maturity u64 BE ‖ amount u128 BE: the reward history (schema 3).
 *                                     One record per pending credit of §3.10, amounts of one (account,
 *                                     source, kind) summed as 0x0F sums them, so one key per credit;
 *                                     a credit Poison cancels (§3.9) is taken off again. Written and
 *                                     removed with the connect and disconnect of the block creating
 *                                     (or cancelling) it, from the 0x0F changes of its undo record
 *                                     (state/reward-history.ts). Not consensus data, outside the digest
 *   rewards 0x02 ‖ account [20] ‖ kind u8
 *                                  -> credited u128 BE: Σ of the account's records of that kind (schema 4;
 *                                     the 3 → 4 migration sums the records already there)
 *   meta    'rewards-from'         -> key height u64 BE from which the reward history is complete: the
 *                                     history covers credits whose source height is ≥ it. Absent: 0
 *                                     (a data directory made at schema 3); the schema 2 → 3 migration
 *                                     sets it to the tip's key height + 1 (older credits are missing)
 *   proposal-ends end u64 BE ‖ proposal_id [32]
 *                                  -> empty: every 0x0D proposal by the last key height of its voting
 *                                     window, so the tally at c finds the windows that ended at c−1
 *                                     without scanning every proposal (decision 158). Written and
 *                                     removed with the connect and disconnect of the block creating the
 *                                     proposal, from the 0x0D keys its undo record shows as new
 *                                     (state/proposal-ends.ts). Not consensus data, outside the digest
 *   settlements period u64 BE      -> the record of one period's settlement (§6.5; state/settlement-record.ts):
 *                                     settlement height u64 ‖ id of the block that ran it [32] ‖ the five
 *                                     pools ‖ S, D, paid, undistributed and dust of the musicians',
 *                                     listeners' and apps' pools ‖ the reserve R ‖ value and match per
 *                                     song, per app, weight and match per listener ‖ every credit (account,
 *                                     kind, amount, the song for kind 5). Written by the connect of the
 *                                     block that ran KeyConnect at the settlement height, removed by its
 *                                     disconnect. Not consensus data, outside the digest
 *   music   0x00 ‖ account [20]    -> donations u128 BE ‖ subscriptions u128 BE: what Donate and Subscribe
 *                                     paid the account (the musicians' side of §4.5's 90/10, its share of a
 *                                     song's split), by source (schema 4; state/music-index.ts)
 *   music   0x01 ‖ song_id [32]    -> donated u128 BE ‖ paid u128 BE ‖ donations u64 BE ‖ rewards u128 BE:
 *                                     what Donates to the song paid in (before the 90/10) and paid its
 *                                     holders (after it), how many there were, and Σ m_s of the
 *                                     settlement records (§7.3)
 *   music   0x02 ‖ owner [20] ‖ song_id [32]
 *                                  -> empty: the songs of each owner, from the 0x03 keys a block creates
 *                                     (the 3 → 4 migration reads every 0x03 entry, so it is complete)
 *                                     All three are written and removed with the connect and disconnect
 *                                     of the block that makes them; not consensus data, outside the digest
 *   meta    'music-from'           -> key height u64 BE from which the music index's 0x00 and 0x01 are
 *                                     complete. Absent: 0 (a data directory made at schema 4); the 3 → 4
 *                                     migration sets it to the tip's key height + 1
 *   bans    peer id (UTF-8)        -> a banned peer (ban-table.ts): until u64 BE (Unix ms) ‖ address
 *                                     length u8 ‖ address (IP, UTF-8; 0 bytes: unknown) ‖ reason
 *                                     (UTF-8). Not consensus data: one commit per ban, expired
 *                                     records removed when the node loads them
 *
 * The state sub-database holds nothing but §9.1 entries, so the state digest
 * (§9.3) is one ordered scan of it.
 */
/**
 * 4: the music index (`music`) and the reward history's totals per kind; 3: the reward history sub-database (`rewards`); 2: the block index sub-database (1 had none: the
 * index was rebuilt from every block at start).
 */
export const SCHEMA_VERSION = 4;

export const DB_META = 'meta';
export const DB_STATE = 'state';
export const DB_BLOCKS = 'blocks';
export const DB_UNDO = 'undo';
export const DB_TXINDEX = 'txindex';
export const DB_INDEX = 'index';
export const DB_REWARDS = 'rewards';
export const DB_MUSIC = 'music';
/** Needs no schema version: a node that predates it never reads it, a newer one finds it empty. */
export const DB_BANS = 'bans';
/**
 * Needs no schema version: no chain holds a proposal from before it (type 9 was refused as
 * tx-type-inactive), so an older data directory's empty index is complete.
 */
export const DB_PROPOSAL_ENDS = 'proposal-ends';

/**
 * Needs no schema version: a period settled before it has no record (the accessor answers none), and
 * every period settled after it gets one.
 */
export const DB_SETTLEMENTS = 'settlements';

export const META_VERSION = 'version';
export const META_TIP = 'tip';
export const META_INDEX_NEXT = 'index-next';
export const META_REWARDS_FROM = 'rewards-from';
export const META_MUSIC_FROM = 'music-from';
