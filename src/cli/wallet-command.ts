// `altostream wallet <new|address|encrypt|unlock|lock|balance|send|tx|stake|unstake|propose|vote|register|song|donate|subscribe> [options]`:
// keys in <datadir>/wallet.json (encrypted, wallet-keys-command.ts), everything
// else over the node's HTTP API. Like the top-level dispatcher, it maps a bad
// argument to exit 2 itself, so it can name the subcommand; 1 is a failure
// (wallet file, node unreachable, tx rejected); 3 a key that stays locked: no
// passphrase at hand, or a wrong one (decision 241).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { defaultDataDir, parseNetworkFlag } from '../node/config.js';
import { InvalidArgumentError } from '../util/errors.js';
import {
  ApiError,
  NodeClient,
  NodeUnreachableError,
  type AccountInfo,
  type TxStatus,
} from '../wallet/client.js';
import { WalletError } from '../wallet/errors.js';
import { DEFAULT_LABEL, findKey, walletPath, type Wallet, type WalletKey } from '../wallet/keystore.js';
import { defaultTransferFee, transferPayloadOf } from '../wallet/send.js';
import { signTxWith, type SignablePayload } from '../wallet/signer.js';
import { defaultStakeFee, parseRoleArg, parseServiceKeyArg, stakePayload } from '../wallet/stake.js';
import {
  defaultGovernanceFee,
  parseChoice,
  parseParamName,
  parseParamValue,
  parseVotingPeriod,
  proposalPayload,
  votePayload,
} from '../wallet/governance.js';
import { donationPayload, identityPayload, songPayload, subscriptionPayload } from '../wallet/music.js';
import {
  defaultApiUrl,
  formatAlto,
  isAddress,
  networkParams,
  parseAddressArg,
  parseAmountArg,
  parseApiUrlArg,
  parseMemoArg,
  parseTxIdArg,
  toJson,
} from '../wallet/values.js';
import type { CommandIo } from './io.js';
import {
  encryptWallet,
  listAddresses,
  loadForCli,
  lock,
  newKey,
  unlock,
  type KeysContext,
} from './wallet-keys-command.js';
import { signerFor, terminalPrompt, type PassphrasePrompt } from './wallet-secrets.js';
import { fromHex, toHex } from '../util/bytes.js';

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

/** How --wait polls GET /txs/:id; a parameter so tests need not wait a minute. */
export interface WaitTiming {
  readonly pollMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_WAIT: WaitTiming = { pollMs: 200, timeoutMs: 60_000 };

/** Options that each take one string, declared by name. */
function stringOptions<const N extends string>(...names: N[]): Record<N, { readonly type: 'string' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' }])) as Record<
    N,
    { readonly type: 'string' }
  >;
}

const OPTIONS = {
  network: { type: 'string' },
  datadir: { type: 'string' },
  api: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  label: { type: 'string' },
  from: { type: 'string' },
  fee: { type: 'string' },
  memo: { type: 'string' },
  wait: { type: 'boolean' },
  json: { type: 'boolean' },
  role: { type: 'string' },
  'app-name': { type: 'string' },
  'service-key': { type: 'string' },
  signal: { type: 'string' },
  param: { type: 'string' },
  text: { type: 'string' },
  'voting-period': { type: 'string' },
  musician: { type: 'boolean' },
  listener: { type: 'boolean' },
  split: { type: 'string', multiple: true },
  ...stringOptions('name', 'metadata', 'id', 'file', 'title', 'duration', 'song', 'periods'),
  ...stringOptions('passphrase-file', 'timeout'),
} as const;

type Values = ReturnType<typeof parseOptions>['values'];

interface Context extends KeysContext {
  readonly client: NodeClient;
  readonly values: Values;
  readonly timing: WaitTiming;
}

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

function parseOptions(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

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

async function balance(ctx: Context, positionals: readonly string[]): Promise<number> {
  const [which] = positionals;
  let addresses: string[];
  if (which !== undefined && isAddress(which, ctx.params)) {
    addresses = [which.toLowerCase()];
  } else {
    const wallet = await loadForCli(ctx);
    if (which === undefined) {
      addresses = wallet.keys.map((k) => k.address);
    } else {
      const key = findKey(wallet, which);
      if (key === undefined) {
        throw new InvalidArgumentError(
          'unknown-key',
          `[address|label] takes a ${ctx.params.hrp}1… address or a key label of ${ctx.path}, got '${which}'`,
        );
      }
      addresses = [key.address];
    }
  }
  for (const address of addresses) {
    const account = await ctx.client.account(address);
    const funds = formatAlto(account?.balance ?? 0n);
    const unmatured = formatAlto(account?.unmatured ?? 0n);
    ctx.io.out(`${address}  ${funds} ALTO  (unmatured ${unmatured} ALTO)`);
  }
  return 0;
}

interface Payer {
  readonly key: WalletKey;
  readonly account: AccountInfo;
}

/** The --from key if it can pay `needed`, else the first key that can; undefined if none can. */
async function choosePayer(
  ctx: Context,
  wallet: Wallet,
  from: WalletKey | undefined,
  needed: bigint,
): Promise<{ payer: Payer | undefined; seen: string[] }> {
  const seen: string[] = [];
  for (const key of from === undefined ? wallet.keys : [from]) {
    const account = await ctx.client.account(key.address);
    if (account !== undefined && account.balance >= needed) return { payer: { key, account }, seen };
    seen.push(`${key.label} ${key.address}: ${formatAlto(account?.balance ?? 0n)} ALTO`);
  }
  return { payer: undefined, seen };
}

/**
 * `payload` from the payer at its next nonce, signed through the one seam (decision 238):
 * the clear seed, the unlocked agent or the passphrase.
 */
async function signed(ctx: Context, wallet: Wallet, payer: Payer, payload: SignablePayload, fee: bigint) {
  const signer = signerFor(payer.key, wallet, ctx, ctx.source);
  return signTxWith(signer, payer.key, payload, { nonce: payer.account.nextNonce, fee, params: ctx.params });
}

/** Submits `tx`: its id, or null once the node's refusal is printed. */
async function submitted(
  ctx: Context,
  tx: Parameters<Context['client']['submitTx']>[0],
): Promise<string | null> {
  try {
    return (await ctx.client.submitTx(tx)).id;
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
      ctx.io.err(`rejected: ${error.code}: ${error.message}`);
      return null;
    }
    throw error;
  }
}

/** The key --from names, if given; a name not in the wallet is `unknown-key`. */
function fromKey(ctx: Context, wallet: Wallet): WalletKey | undefined {
  const { from } = ctx.values;
  if (from === undefined) return undefined;
  const key = findKey(wallet, from);
  if (key === undefined) {
    throw new InvalidArgumentError(
      'unknown-key',
      `--from takes a key label or address of ${ctx.path}, got '${from}' (see \`altostream wallet address\`)`,
    );
  }
  return key;
}

/**
 * The key a stake or unstake is for: --from, else the 'default' key. Unlike a transfer it never
 * falls back to whichever key can pay: a bond ties its key up for UNBONDING_PERIOD, and on regtest
 * the first key that can pay is the faucet, not the key a validator signs endorsements with.
 */
function stakerKey(ctx: Context, wallet: Wallet, what = 'bonds'): WalletKey {
  const named = fromKey(ctx, wallet);
  if (named !== undefined) return named;
  const fallback = findKey(wallet, DEFAULT_LABEL);
  if (fallback === undefined) {
    throw new InvalidArgumentError(
      'missing-from',
      `${ctx.path} has no key labelled '${DEFAULT_LABEL}': name the key that ${what} with --from (see \`altostream wallet address\`)`,
    );
  }
  return fallback;
}

/**
 * The node's status, or null once it is printed that the node runs another network: it would
 * reject our signatures (§2.6), so say so plainly instead.
 */
async function statusOfOurNetwork(
  ctx: Context,
): Promise<Awaited<ReturnType<Context['client']['status']>> | null> {
  const status = await ctx.client.status();
  if (status.network === ctx.params.name) return status;
  ctx.io.err(
    `the node at ${ctx.client.url} runs ${status.network}, not ${ctx.params.name}: pass --network or --api`,
  );
  return null;
}

async function send(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params, client, io } = ctx;
  // Every argument is checked before the first request.
  const to = parseAddressArg('<to-address>', positionals[0] ?? '', params);
  const amount = parseAmountArg('<amount-ALTO>', positionals[1] ?? '');
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  const memo = values.memo === undefined ? new Uint8Array() : parseMemoArg('--memo', values.memo);
  const wallet = await loadForCli(ctx);
  const from = fromKey(ctx, wallet);
  if (wallet.keys.length === 0) {
    io.err(`${ctx.path} holds no keys: add one with \`altostream wallet new\``);
    return 1;
  }

  const status = await statusOfOurNetwork(ctx);
  if (status === null) return 1;
  const fee = fixedFee ?? defaultTransferFee(memo.length, status.mempool.minFeeRate);
  const needed = amount + fee;
  const { payer, seen } = await choosePayer(ctx, wallet, from, needed);
  if (payer === undefined) {
    io.err(
      `insufficient funds: sending needs ${formatAlto(needed)} ALTO (amount + fee ${formatAlto(fee)} ALTO)`,
    );
    for (const line of seen) io.err(`  ${line}`);
    return 1;
  }

  const tx = await signed(ctx, wallet, payer, transferPayloadOf({ to, amount, memo, params }), fee);
  const id = await submitted(ctx, tx);
  if (id === null) return 1;
  const summary = { id, from: payer.key.address, to, amount, fee, nonce: tx.nonce };
  if (values.wait !== true) {
    io.out(values.json === true ? toJson({ ...summary, status: 'pending' }) : id);
    return 0;
  }
  if (values.json !== true) io.out(id);
  const outcome = await waitForBlock(client, id, io.signal, ctx.timing);
  if (outcome.kind === 'confirmed') {
    io.out(
      values.json === true
        ? toJson({ ...summary, ...confirmation(outcome.status) })
        : describeTx(outcome.status),
    );
    return 0;
  }
  if (values.json === true) io.out(toJson({ ...summary, status: 'pending' }));
  io.err(
    outcome.kind === 'timeout'
      ? `${id} is not in a block after ${ctx.timing.timeoutMs / 1000} s; check later with \`altostream wallet tx ${id}\``
      : `the node no longer knows ${id}: it left the mempool without reaching a block`,
  );
  return 1;
}

async function stake(
  ctx: Context,
  positionals: readonly string[],
  kind: 'stake' | 'unstake',
): Promise<number> {
  const { values, io } = ctx;
  // Every argument is checked before the first request.
  const amount = parseAmountArg('<amount-ALTO>', positionals[0] ?? '');
  const role = parseRoleArg('--role', values.role);
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  const named = values['app-name'] !== undefined || values['service-key'] !== undefined;
  if (named && role !== 'app') {
    throw new InvalidArgumentError('bad-flag', '--app-name and --service-key go with --role app only');
  }
  if (
    kind === 'stake' &&
    role === 'app' &&
    (values['app-name'] === undefined || values['service-key'] === undefined)
  ) {
    throw new InvalidArgumentError('bad-flag', 'an app stake needs --app-name and --service-key');
  }
  const wallet = await loadForCli(ctx);
  const app =
    values['app-name'] === undefined || values['service-key'] === undefined
      ? undefined
      : {
          name: values['app-name'],
          serviceKey: parseServiceKeyArg('--service-key', values['service-key'], wallet),
        };
  const payload = stakePayload({ kind, role, amount, app });
  const from = stakerKey(ctx, wallet);
  const status = await statusOfOurNetwork(ctx);
  if (status === null) return 1;
  const fee = fixedFee ?? defaultStakeFee(payload, status.mempool.minFeeRate);
  // A stake moves amount + fee out of the balance; an unstake pays only the fee (the bond is checked by the node).
  const needed = kind === 'stake' ? amount + fee : fee;
  const { payer, seen } = await choosePayer(ctx, wallet, from, needed);
  if (payer === undefined) {
    io.err(`insufficient funds: ${kind} needs ${formatAlto(needed)} ALTO (fee ${formatAlto(fee)} ALTO)`);
    for (const line of seen) io.err(`  ${line}`);
    return 1;
  }
  const tx = await signed(ctx, wallet, payer, payload, fee);
  const id = await submitted(ctx, tx);
  if (id === null) return 1;
  io.out(
    values.json === true
      ? toJson({ id, kind, role, from: payer.key.address, amount, fee, nonce: tx.nonce, status: 'pending' })
      : id,
  );
  return 0;
}

/**
 * `payload` signed by the --from or 'default' key and submitted (governance and music txs);
 * `deposit` is what it moves besides the fee: a proposal's deposit, a payment's amount.
 */
async function submitFromKey(
  ctx: Context,
  payload: SignablePayload,
  deposit: bigint,
  fixedFee: bigint | undefined,
  summary: Record<string, unknown>,
): Promise<number> {
  const { values, io } = ctx;
  const wallet = await loadForCli(ctx);
  const from = stakerKey(ctx, wallet, 'signs');
  const status = await statusOfOurNetwork(ctx);
  if (status === null) return 1;
  const fee = fixedFee ?? defaultGovernanceFee(payload, status.mempool.minFeeRate);
  const needed = deposit + fee;
  const { payer, seen } = await choosePayer(ctx, wallet, from, needed);
  if (payer === undefined) {
    io.err(
      `insufficient funds: ${String(summary.kind)} needs ${formatAlto(needed)} ALTO (fee ${formatAlto(fee)} ALTO)`,
    );
    for (const line of seen) io.err(`  ${line}`);
    return 1;
  }
  const tx = await signed(ctx, wallet, payer, payload, fee);
  const id = await submitted(ctx, tx);
  if (id === null) return 1;
  io.out(
    values.json === true
      ? toJson({ id, ...summary, from: payer.key.address, fee, nonce: tx.nonce, status: 'pending' })
      : id,
  );
  return 0;
}

async function propose(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params } = ctx;
  // Every argument is checked before the first request, the parameter against §8.3's bounds.
  if ((values.signal === undefined) === (values.param === undefined)) {
    throw new InvalidArgumentError('bad-flag', 'propose takes one of --signal TEXT or --param NAME VALUE');
  }
  const votingPeriod = parseVotingPeriod(values['voting-period'], params);
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  let payload;
  if (values.signal !== undefined) {
    if (values.text !== undefined)
      throw new InvalidArgumentError('bad-flag', '--signal is the text: no --text');
    if (positionals.length > 0) {
      throw new InvalidArgumentError(
        'bad-arguments',
        `a signal takes no VALUE, got '${positionals.join(' ')}'`,
      );
    }
    payload = proposalPayload({ text: values.signal, votingPeriod });
  } else {
    const param = parseParamName(values.param ?? '');
    const [text] = positionals;
    if (text === undefined)
      throw new InvalidArgumentError('bad-arguments', `--param ${param.name} needs a VALUE`);
    const value = parseParamValue(param, text, params);
    payload = proposalPayload({
      text: values.text ?? '',
      votingPeriod,
      change: { paramId: param.id, value },
    });
  }
  const deposit = params.governance.proposalDeposit;
  return submitFromKey(ctx, payload, deposit, fixedFee, { kind: 'propose', deposit });
}

async function vote(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values } = ctx;
  const proposalId = parseTxIdArg('<proposal-id>', positionals[0] ?? '');
  const choice = parseChoice(positionals[1] ?? '');
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  const payload = votePayload(fromHex(proposalId), choice);
  return submitFromKey(ctx, payload, 0n, fixedFee, { kind: 'vote', proposal: proposalId, choice });
}

/** --fee in ALTO, if given. */
function fixedFeeOf(values: Values): bigint | undefined {
  return values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
}

async function register(ctx: Context): Promise<number> {
  const { values } = ctx;
  const payload = identityPayload(values);
  const fixedFee = fixedFeeOf(values);
  const roles = [values.musician === true ? 'musician' : '', values.listener === true ? 'listener' : '']
    .filter((r) => r !== '')
    .join('+');
  return submitFromKey(ctx, payload, 0n, fixedFee, { kind: 'register', roles });
}

async function song(ctx: Context): Promise<number> {
  const { values, params } = ctx;
  const fixedFee = fixedFeeOf(values);
  // The default split names the signing key, so the key is found before the payload is built.
  const wallet = await loadForCli(ctx);
  const owner = stakerKey(ctx, wallet, 'signs');
  const payload = songPayload(values, owner.address, params);
  const songId = payload.type === 3 ? toHex(payload.songId) : '';
  return submitFromKey(ctx, payload, 0n, fixedFee, { kind: 'song', song: songId });
}

async function donate(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params } = ctx;
  const song = values.song;
  if (positionals.length !== (song === undefined ? 2 : 1)) {
    throw new InvalidArgumentError(
      'bad-arguments',
      song === undefined
        ? `'donate' takes <musician-address> <amount-ALTO> (or --song HEX <amount-ALTO>), got '${positionals.join(' ')}'`
        : `'donate --song HEX' takes <amount-ALTO> only, got '${positionals.join(' ')}'`,
    );
  }
  const amount = parseAmountArg('<amount-ALTO>', positionals[positionals.length - 1]!);
  const memo = values.memo === undefined ? new Uint8Array() : parseMemoArg('--memo', values.memo);
  const fixedFee = fixedFeeOf(values);
  // Checked as typed (an address in mixed case is bad-address), shown lowercased.
  const payload = donationPayload(
    song === undefined ? { musician: positionals[0]! } : { song },
    amount,
    memo,
    params,
  );
  const target =
    song === undefined ? { musician: positionals[0]!.toLowerCase() } : { song: song.toLowerCase() };
  return submitFromKey(ctx, payload, amount, fixedFee, { kind: 'donate', ...target, amount });
}

async function subscribe(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params } = ctx;
  const amount = parseAmountArg('<amount-ALTO>', positionals[1] ?? '');
  const payload = subscriptionPayload(positionals[0] ?? '', amount, values.periods, params);
  const fixedFee = fixedFeeOf(values);
  const periods = payload.type === 5 ? payload.periods : 0;
  return submitFromKey(ctx, payload, amount, fixedFee, {
    kind: 'subscribe',
    musician: positionals[0]!.toLowerCase(),
    amount,
    periods,
  });
}

type WaitOutcome = { kind: 'confirmed'; status: TxStatus } | { kind: 'timeout' } | { kind: 'dropped' };

async function waitForBlock(
  client: NodeClient,
  id: string,
  cancel: AbortSignal,
  timing: WaitTiming,
): Promise<WaitOutcome> {
  const deadline = AbortSignal.timeout(timing.timeoutMs);
  const signal = AbortSignal.any([cancel, deadline]);
  for (;;) {
    const status = await client.tx(id);
    if (status === undefined) return { kind: 'dropped' };
    if (status.status === 'confirmed') return { kind: 'confirmed', status };
    try {
      await sleep(timing.pollMs, undefined, { signal });
    } catch (error) {
      if (!cancel.aborted && deadline.aborted) return { kind: 'timeout' };
      throw error;
    }
  }
}

/** Where a transaction stands, without the transaction itself (the caller has it). */
function confirmation({
  id,
  status,
  block,
  confirmations,
}: TxStatus): Pick<TxStatus, 'id' | 'status' | 'block' | 'confirmations'> {
  return { id, status, block, confirmations };
}

function describeTx(status: TxStatus): string {
  if (status.block === null) return `${status.id} is ${status.status}`;
  const { id, keyHeight, seq } = status.block;
  const confirmations = `${status.confirmations} confirmation${status.confirmations === 1 ? '' : 's'}`;
  return `${status.status} in block ${id} (key height ${keyHeight}, microblock ${seq}), ${confirmations}`;
}

async function txStatus(ctx: Context, positionals: readonly string[]): Promise<number> {
  const id = parseTxIdArg('<txid>', positionals[0] ?? '');
  const status = await ctx.client.tx(id);
  if (status === undefined) {
    ctx.io.err(`the node at ${ctx.client.url} does not know tx ${id}`);
    return 1;
  }
  ctx.io.out(
    ctx.values.json === true
      ? toJson(confirmation(status))
      : status.block === null
        ? status.status
        : describeTx(status),
  );
  return 0;
}
