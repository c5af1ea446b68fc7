// The exit codes of every `altostream` command. 0 and 1 as Bitcoin Core's and
// bcoin's daemons use them; 2 for bad usage as POSIX utilities do (and
// node:util's parseArgs callers by convention); 3 for a resource another
// process holds, so a supervisor can tell "fix the config" (2) from "another
// node is running" (3) without reading the message.
export const EXIT = {
  /** Done, or stopped by Ctrl-C / SIGTERM. */
  ok: 0,
  /** Failed while running: a node unreachable, a port in use, a wallet file to fix. */
  failure: 1,
  /** Bad usage or config: an unknown flag, a bad value (named with where it came from). */
  usage: 2,
  /** The data dir or the validator key is locked by another node. */
  locked: 3,
} as const;

/** InvalidArgumentError codes that mean another process holds what we need: EXIT.locked, not usage. */
export const LOCKED_CODES: ReadonlySet<string> = new Set(['datadir-locked', 'validator-locked']);
