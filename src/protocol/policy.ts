// The mempool policy of PROTOCOL.md §4.14: not consensus, but every node and
// wallet starts from these values, so they live once, here.

/** Base units per byte a transaction must pay to be relayed. */
export const MIN_RELAY_FEE_RATE = 10n ** 11n;
/** The pool's cap: the sum of encoded transaction sizes. */
export const MEMPOOL_MAX_BYTES = 64 * 1024 * 1024;
/** Queued nonces per sender, counted from the state nonce. */
export const MAX_PENDING_PER_SENDER = 64;
/** A replacement pays at least this percentage of the fee it replaces. */
export const REPLACEMENT_FEE_PERCENT = 110;
/** A transaction not included within this long is dropped. */
export const MEMPOOL_EXPIRY_MS = 72 * 60 * 60 * 1000;
