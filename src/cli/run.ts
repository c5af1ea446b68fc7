// Dispatches `altostream <command> …` and maps errors to exit codes (EXIT):
// 0 success, 1 failure, 2 bad usage or config (unknown command or flag, bad
// value), 3 locked (another node holds the data dir or the validator key).
// A bad value is one line, since its message names the flag and what to pass;
// a command line of the wrong shape (unknown flag, missing value) gets the usage too.
import { InvalidArgumentError } from '../util/errors.js';
import { BENCH_USAGE, benchCommand } from './bench-command.js';
import { NODE_USAGE, nodeCommand } from './node-command.js';
import { STATUS_USAGE, statusCommand } from './status-command.js';
import { WALLET_USAGE, walletCommand } from './wallet-command.js';
import { EXIT, LOCKED_CODES } from './exit-codes.js';
import type { CommandIo } from './io.js';

export const USAGE = `Usage: altostream <command> [options]

Commands:
  node      run a node (no options: a local devnet that mines)
  wallet    keys, balances and transfers (new, address, balance, send, tx)
  status    ask a running node for its tip, peers and mempool
  bench     self-test yespower and measure this machine's mining hash rate

Run 'altostream <command> --help' for a command's options.

Exit codes (every command): 0 ok; 1 runtime failure (a node unreachable, a port in use,
a wallet file to fix); 2 bad usage or config (an unknown flag, a bad value: the message
names it and what to pass); 3 the data dir or the validator key is locked by another node.`;

const COMMANDS: Record<
  string,
  { run: (args: readonly string[], io: CommandIo) => Promise<number>; usage: string }
> = {
  node: { run: nodeCommand, usage: NODE_USAGE },
  wallet: { run: walletCommand, usage: WALLET_USAGE },
  status: { run: statusCommand, usage: STATUS_USAGE },
  bench: { run: benchCommand, usage: BENCH_USAGE },
};

function isParseArgsError(error: unknown): error is Error & { code: string } {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.err(`altostream: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      io.err(`altostream ${name}: ${error.message}`);
      return LOCKED_CODES.has(error.code) ? EXIT.locked : EXIT.usage;
    }
    if (isParseArgsError(error)) {
      io.err(`altostream ${name}: ${error.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    throw error;
  }
}
