// `altostream wallet <new|address|encrypt|unlock|lock|balance|send|tx|stake|unstake|propose|vote|register|song|donate|subscribe> [options]`:
// keys in <datadir>/wallet.json (encrypted, wallet-keys-command.ts), everything
// else over the node's HTTP API. Like the top-level dispatcher, it maps a bad
// argument to exit 2 itself, so it can name the subcommand; 1 is a failure
// (wallet file, node unreachable, tx rejected); 3 a key that stays locked: no
// passphrase at hand, or a wrong one (decision 241).
import { defaultDataDir, parseNetworkFlag } from '../node/config.js';
import { InvalidArgumentError } from '../util/errors.js';
import { ApiError, NodeClient, NodeUnreachableError } from '../wallet/client.js';
import { WalletError } from '../wallet/errors.js';
import { walletPath } from '../wallet/keystore.js';
import { defaultApiUrl, networkParams, parseApiUrlArg } from '../wallet/values.js';
import type { CommandIo } from './io.js';
import { encryptWallet, listAddresses, lock, newKey, unlock } from './wallet-keys-command.js';
import { terminalPrompt, type PassphrasePrompt } from './wallet-secrets.js';
import {
  type Context,
  type Values,
  type WaitTiming,
  DEFAULT_WAIT,
  OPTIONS,
  parseOptions,
} from './wallet-context.js';
import { balance, send, stake, txStatus } from './wallet-pay-command.js';
import { propose, vote, register, song, donate, subscribe } from './wallet-sign-command.js';

export { DEFAULT_WAIT, type WaitTiming } from './wallet-context.js';

export const WALLET_USAGE = `Usage: altostream wallet <subcommand> [options]

Keeps ed25519 keys in <datadir>/wallet.json (mode 0600), their seeds encrypted
with a passphrase (scrypt + AES-256-GCM), and talks to a node over its HTTP API.

Subcommands:
  new [--label L]               add a key (creating the wallet if needed); prints its address.
                                Asks for the wallet's passphrase (a new one, twice, for a new
                                or plaintext wallet, which it then encrypts)
  address                       list the keys: label and address (no passphrase needed)
  encrypt                       encrypt a plaintext (old) wallet.json under a new passphrase,
                                keeping every key and label; no plaintext copy is kept
  unlock [--timeout S]          ask the passphrase once; a background agent then signs for the
                                wallet's commands for S seconds (default 600, at most 86,400)
  lock                          end the agent now: the commands ask for the passphrase again
  balance [address|label]       balance and unmatured rewards of every key, or of one
  send <to-address> <amount>    sign and submit a transfer of <amount> ALTO; prints the txid
  tx <txid>                     whether a tx is pending or confirmed, and in which block
  stake <amount> --role R       sign and submit a Stake of <amount> ALTO in role R; prints the txid
  unstake <amount> --role R     sign and submit an Unstake (to unbonding, §4.8); prints the txid
  propose --signal TEXT         sign and submit a signal Proposal (§4.10); prints the txid
  propose --param NAME VALUE    sign and submit a parameter-change Proposal (§8.3); prints the txid
  vote <proposal-id> CHOICE     sign and submit a Vote (§4.11): yes, no or abstain; prints the txid
  register --musician|--listener
                                sign and submit a RegisterIdentity (§4.3); roles are add-only
  song --id HEX|--file PATH --title T --duration S [--split ADDR:BP ...]
                                sign and submit a RegisterSong (§4.4); prints the txid
  donate <musician-address> <amount>
                                sign and submit a Donate to a musician (§4.5); prints the txid
  donate --song HEX <amount>    sign and submit a Donate to a song: 90% through its split, 10% reserve
  subscribe <musician-address> <amount> --periods N
                                sign and submit a Subscribe for N reward periods (§4.6)

Options:
  --network N     mainnet, testnet, regtest or devnet (= regtest); default: regtest
  --datadir DIR   where wallet.json lives (default: ~/.altostream/<network>)
  --api URL       the node's API (default: http://127.0.0.1:<the network's API port>)
  --passphrase-file FILE
                  the wallet's passphrase is the first line of FILE (new, encrypt, unlock and
                  every signing subcommand); without it the passphrase is typed on the terminal,
                  without echo, unless the wallet is unlocked. Never needed for the public
                  faucet key (regtest), nor by address, balance and tx
  -h, --help      show this help

Options of send:
  --from KEY      label or address of the paying key (default: the first key
                  whose balance covers amount + fee)
  --fee ALTO      the fee (default: the node's minimum fee rate × the tx's size)
  --memo TEXT     up to 256 bytes of UTF-8 carried by the transfer
  --wait          wait until the tx is in a block (at most 60 s), then print the block
  --json          print one JSON object, amounts in base units (send and tx)

Options of stake and unstake (and --fee, --json as for send):
  --from KEY          the key that bonds or unbonds (default: the key labelled 'default',
                      the one \`altostream node --validator\` validates with); never another key
  --role R            validator, app or infrastructure (required)
  --app-name N        an app stake's name, up to 64 bytes of UTF-8 (stake --role app only)
  --service-key K     an app stake's ed25519 service key: 64 hex digits, or the
                      label of a wallet key whose public key serves (stake --role app only)

Options of propose and vote (and --fee, --json as for send):
  --from KEY            the staker's key that signs (default: the key labelled 'default', as
                        for stake); a proposal also pays PROPOSAL_DEPOSIT into escrow
  --signal TEXT         a signal proposal's text, up to 1,024 bytes of UTF-8
  --param NAME          the parameter to change (§8.3: MIN_STAKE_VALIDATOR, MIN_MICROBLOCK_INTERVAL,
                        MATCH_MUSICIANS, …); VALUE in its unit: ALTO for MIN_STAKE_* and
                        MIN_SUBSCRIPTION_PER_PERIOD, else ms, s, plays or bp; checked against the
                        whitelist and bounds before anything is sent
  --text TEXT           a parameter change's text (default: empty)
  --voting-period N     key blocks votes are open for (default: MIN_VOTING_PERIOD)

Options of register, song, donate and subscribe (and --fee, --json as for send):
  --from KEY          the key that signs: the identity registered, the song's owner, the
                      listener whose support a payment counts as (default: the key labelled
                      'default', as for stake); never another key
  --musician          register the musician role (0x01); with --listener both
  --listener          register the listener role (0x02); listener age counts from it
  --name N            the identity's display name, up to 64 bytes of UTF-8
  --metadata HEX      32 bytes of metadata (64 hex digits): an identity's or a song's
  --id HEX            the song id, 64 hex digits
  --file PATH         the song id is H(file), the master audio file's SHA-256 (§4.4)
  --title T           the song's title, up to 128 bytes of UTF-8 (required)
  --duration S        the song's length in seconds, 1–7,200 (required)
  --split ADDR:BP     a royalty holder and its basis points, repeated up to 16 times, summing
                      to 10,000; immutable once registered (default: all to the signing key)
  --song HEX          donate to this song id instead of a musician's address
  --memo TEXT         a donation's memo, up to 256 bytes of UTF-8
  --periods N         reward periods a subscription buys, 1–366 (required); the amount
                      must be at least N × MIN_SUBSCRIPTION_PER_PERIOD (the node checks)

Exit codes: 0 ok, 1 failure (wallet file, node unreachable, tx rejected), 2 bad usage
(or no way to ask for a passphrase: not a terminal and no --passphrase-file), 3 key locked
(wallet-locked: no passphrase and not unlocked; wallet-bad-passphrase: wrong passphrase or
an altered file).`;

interface Subcommand {
  /** Options of this subcommand beyond --network, --datadir, --api and --help. */
  readonly options: readonly (keyof typeof OPTIONS)[];
  /** The positional arguments, in order; a trailing '?' marks an optional one. */
  readonly positionals: readonly string[];
  readonly run: (ctx: Context, positionals: readonly string[]) => Promise<number>;
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  new: { options: ['label', 'passphrase-file'], positionals: [], run: newKey },
  address: { options: [], positionals: [], run: listAddresses },
  encrypt: { options: ['passphrase-file'], positionals: [], run: encryptWallet },
  unlock: { options: ['timeout', 'passphrase-file'], positionals: [], run: unlock },
  lock: { options: [], positionals: [], run: lock },
  balance: { options: [], positionals: ['[address|label]?'], run: balance },
  send: {
    options: ['from', 'fee', 'passphrase-file', 'memo', 'wait', 'json'],
    positionals: ['<to-address>', '<amount-ALTO>'],
    run: send,
  },
  tx: { options: ['json'], positionals: ['<txid>'], run: txStatus },
  stake: {
    options: ['role', 'app-name', 'service-key', 'from', 'fee', 'passphrase-file', 'json'],
    positionals: ['<amount-ALTO>'],
    run: (ctx, positionals) => stake(ctx, positionals, 'stake'),
  },
  unstake: {
    options: ['role', 'from', 'fee', 'passphrase-file', 'json'],
    positionals: ['<amount-ALTO>'],
    run: (ctx, positionals) => stake(ctx, positionals, 'unstake'),
  },
  propose: {
    options: ['signal', 'param', 'text', 'voting-period', 'from', 'fee', 'passphrase-file', 'json'],
    positionals: ['[VALUE]?'],
    run: propose,
  },
  vote: {
    options: ['from', 'fee', 'passphrase-file', 'json'],
    positionals: ['<proposal-id>', '<yes|no|abstain>'],
    run: vote,
  },
  register: {
    options: ['musician', 'listener', 'name', 'metadata', 'from', 'fee', 'passphrase-file', 'json'],
    positionals: [],
    run: register,
  },
  song: {
    options: [
      'id',
      'file',
      'title',
      'duration',
      'split',
      'metadata',
      'from',
      'fee',
      'passphrase-file',
      'json',
    ],
    positionals: [],
    run: song,
  },
  donate: {
    options: ['song', 'memo', 'from', 'fee', 'passphrase-file', 'json'],
    positionals: ['[musician-address]?', '<amount-ALTO>'],
    run: donate,
  },
  subscribe: {
    options: ['periods', 'from', 'fee', 'passphrase-file', 'json'],
    positionals: ['<musician-address>', '<amount-ALTO>'],
    run: subscribe,
  },
};

function isParseArgsError(error: unknown): error is Error & { code: string } {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

/** The exit code of a key that stays locked (decision 241). */
export const EXIT_LOCKED = 3;

export async function walletCommand(
  args: readonly string[],
  io: CommandIo,
  timing: WaitTiming = DEFAULT_WAIT,
  prompt: PassphrasePrompt = terminalPrompt,
): Promise<number> {
  let name = 'wallet';
  try {
    const { values, positionals } = parseOptions(args);
    if (values.help === true) {
      io.out(WALLET_USAGE);
      return 0;
    }
    const [subName, ...rest] = positionals;
    const sub =
      subName !== undefined && Object.hasOwn(SUBCOMMANDS, subName) ? SUBCOMMANDS[subName] : undefined;
    if (subName === undefined || sub === undefined) {
      const what = subName === undefined ? 'a subcommand is missing' : `unknown subcommand '${subName}'`;
      io.err(`altostream wallet: ${what}\n\n${WALLET_USAGE}`);
      return 2;
    }
    name = `wallet ${subName}`;
    checkArguments(subName, sub, values, rest);
    const network = parseNetworkFlag(values.network ?? 'regtest');
    const params = networkParams(network);
    const api = values.api === undefined ? defaultApiUrl(params) : parseApiUrlArg('--api', values.api);
    const datadir = values.datadir ?? defaultDataDir(network);
    const client = new NodeClient({ url: api, signal: io.signal });
    const ctx: Context = {
      params,
      path: walletPath(datadir),
      datadir,
      client,
      values,
      io,
      timing,
      label: values.label,
      timeout: values.timeout,
      source: { file: values['passphrase-file'], prompt },
    };
    return await sub.run(ctx, rest);
  } catch (error) {
    if (error instanceof InvalidArgumentError || isParseArgsError(error)) {
      io.err(`altostream ${name}: ${error.message}\n(see 'altostream wallet --help')`);
      return 2;
    }
    if (
      error instanceof WalletError &&
      (error.code === 'wallet-locked' || error.code === 'wallet-bad-passphrase')
    ) {
      io.err(`${error.code}: ${error.message}`);
      return EXIT_LOCKED;
    }
    if (error instanceof WalletError || error instanceof NodeUnreachableError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof ApiError) {
      io.err(`the node answered HTTP ${error.status}: ${error.code}: ${error.message}`);
      return 1;
    }
    if (io.signal.aborted) {
      io.err(`altostream ${name}: interrupted`);
      return 1;
    }
    throw error;
  }
}

function checkArguments(subName: string, sub: Subcommand, values: Values, rest: readonly string[]): void {
  for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    const common = option === 'network' || option === 'datadir' || option === 'api' || option === 'help';
    if (!common && !sub.options.includes(option)) {
      throw new InvalidArgumentError('bad-flag', `'${subName}' takes no --${option}`);
    }
  }
  const required = sub.positionals.filter((p) => !p.endsWith('?')).length;
  if (rest.length < required || rest.length > sub.positionals.length) {
    const shape = sub.positionals.map((p) => p.replace(/\?$/, '')).join(' ');
    throw new InvalidArgumentError(
      'bad-arguments',
      `'${subName}' takes ${shape === '' ? 'no arguments' : shape}, got ${rest.length === 0 ? 'none' : `'${rest.join(' ')}'`}`,
    );
  }
}
