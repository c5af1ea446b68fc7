// What every wallet subcommand is handed (Context), the options, and the helpers the
// signing subcommands share: choosing the payer, signing through the one seam, submitting.
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../util/errors.js';
import { ApiError, NodeClient, type AccountInfo } from '../wallet/client.js';
import { DEFAULT_LABEL, findKey, type Wallet, type WalletKey } from '../wallet/keystore.js';
import { signTxWith, type SignablePayload } from '../wallet/signer.js';
import { formatAlto, parseAmountArg } from '../wallet/values.js';
import { type KeysContext } from './wallet-keys-command.js';
import { signerFor } from './wallet-secrets.js';

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

export const OPTIONS = {
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

export type Values = ReturnType<typeof parseOptions>['values'];

export interface Context extends KeysContext {
  readonly client: NodeClient;
  readonly values: Values;
  readonly timing: WaitTiming;
}

export function parseOptions(args: readonly string[]) {
  return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
}

export interface Payer {
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

/**
 * Picks the key that pays `needed`, signs `payload` from it and submits it: the payer, the
 * signed transaction and its id, or null once the reason (no key can pay, the node refused)
 * is printed. `what` and `breakdown` word the shortfall: "sending needs … (amount + fee …)".
 */
export async function paySubmitted(
  ctx: Context,
  wallet: Wallet,
  from: WalletKey | undefined,
  spend: { readonly needed: bigint; readonly fee: bigint; readonly what: string; readonly breakdown: string },
  payload: SignablePayload,
) {
  const { payer, seen } = await choosePayer(ctx, wallet, from, spend.needed);
  if (payer === undefined) {
    ctx.io.err(
      `insufficient funds: ${spend.what} needs ${formatAlto(spend.needed)} ALTO (${spend.breakdown} ${formatAlto(spend.fee)} ALTO)`,
    );
    for (const line of seen) ctx.io.err(`  ${line}`);
    return null;
  }
  const tx = await signed(ctx, wallet, payer, payload, spend.fee);
  const id = await submitted(ctx, tx);
  return id === null ? null : { payer, tx, id };
}

/** The key --from names, if given; a name not in the wallet is `unknown-key`. */
export function fromKey(ctx: Context, wallet: Wallet): WalletKey | undefined {
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
export function stakerKey(ctx: Context, wallet: Wallet, what = 'bonds'): WalletKey {
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
export async function statusOfOurNetwork(
  ctx: Context,
): Promise<Awaited<ReturnType<Context['client']['status']>> | null> {
  const status = await ctx.client.status();
  if (status.network === ctx.params.name) return status;
  ctx.io.err(
    `the node at ${ctx.client.url} runs ${status.network}, not ${ctx.params.name}: pass --network or --api`,
  );
  return null;
}
/** --fee in ALTO, if given. */
export function fixedFeeOf(values: Values): bigint | undefined {
  return values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
}
