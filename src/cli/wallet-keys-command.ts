// The wallet subcommands about the key file itself: new, address, encrypt,
// unlock and lock (decisions 235-241). Signing subcommands stay in
// wallet-command.ts; they reach the keys through loadForCli and signerFor.
import { InvalidArgumentError } from '../util/errors.js';
import {
  agentSocketPath,
  DEFAULT_UNLOCK_SECONDS,
  lockAgent,
  MAX_UNLOCK_SECONDS,
  startAgent,
} from '../wallet/agent.js';
import { WalletError } from '../wallet/errors.js';
import {
  addKey,
  checkNewLabel,
  createKey,
  emptyWallet,
  holdsPlaintextSecrets,
  isPublicKey,
  loadWallet,
  nextLabel,
  saveWallet,
  unlockWallet,
  type Wallet,
} from '../wallet/keystore.js';
import type { NetworkParams } from '../wallet/values.js';
import type { CommandIo } from './io.js';
import { existingPassphrase, newPassphrase, type PassphraseSource } from './wallet-secrets.js';

/** What these subcommands need of wallet-command.ts's context. */
export interface KeysContext {
  readonly params: NetworkParams;
  readonly path: string;
  readonly datadir: string;
  readonly io: CommandIo;
  readonly label: string | undefined;
  readonly timeout: string | undefined;
  readonly source: PassphraseSource;
}

/**
 * The wallet as loadWallet reads it, with a warning on stderr, each time, while
 * the file keeps seeds in the clear (decision 239): it keeps working until
 * `altostream wallet encrypt`.
 */
export async function loadForCli(ctx: Pick<KeysContext, 'params' | 'path' | 'io'>): Promise<Wallet> {
  const wallet = await loadWallet(ctx.path, ctx.params);
  if (holdsPlaintextSecrets(wallet, ctx.params)) {
    const secrets = wallet.keys.filter((k) => !isPublicKey(k, ctx.params)).length;
    ctx.io.err(
      `warning: ${ctx.path} keeps ${secrets} secret key${secrets === 1 ? '' : 's'} unencrypted: run \`altostream wallet encrypt\` to protect ${secrets === 1 ? 'it' : 'them'} with a passphrase`,
    );
  }
  return wallet;
}

async function loadIfPresent(ctx: KeysContext): Promise<Wallet | undefined> {
  try {
    return await loadWallet(ctx.path, ctx.params);
  } catch (error) {
    if (error instanceof WalletError && error.code === 'wallet-missing') return undefined;
    throw error;
  }
}

/**
 * `new`: a key added to an encrypted wallet. A new wallet or a plaintext one asks
 * for a new passphrase (twice when typed) and is written encrypted with every key
 * it held; an encrypted one asks for its passphrase. No new seed is ever written in the clear.
 */
export async function newKey(ctx: KeysContext): Promise<number> {
  const existing = await loadIfPresent(ctx);
  const label = ctx.label ?? nextLabel(existing ?? emptyWallet(ctx.params));
  checkNewLabel(label);
  if (existing?.keys.some((k) => k.label === label) === true) {
    throw new InvalidArgumentError('duplicate-key', `--label '${label}' is taken: pick another label`);
  }
  let wallet: Wallet;
  let passphrase: string;
  if (existing === undefined || existing.version === 1) {
    passphrase = await newPassphrase(ctx.source, 'wallet new');
    wallet = existing ?? emptyWallet(ctx.params);
    if (existing !== undefined && holdsPlaintextSecrets(existing, ctx.params)) {
      ctx.io.err(`encrypting the keys already in ${ctx.path} with this passphrase too`);
    }
  } else {
    passphrase = await existingPassphrase(ctx.source, ctx.path, 'passphrase-required');
    wallet = await unlockWallet(ctx.path, ctx.params, passphrase);
  }
  const key = createKey(label, ctx.params);
  await saveWallet(ctx.path, addKey(wallet, key), { passphrase });
  ctx.io.err(`added key '${label}' to ${ctx.path} (encrypted)`);
  ctx.io.out(key.address);
  return 0;
}

export async function listAddresses(ctx: KeysContext): Promise<number> {
  const wallet = await loadForCli(ctx);
  const width = Math.max(0, ...wallet.keys.map((k) => k.label.length));
  for (const key of wallet.keys) {
    const mark = isPublicKey(key, ctx.params) ? '  (public: the network faucet key, PROTOCOL.md §1.3)' : '';
    ctx.io.out(`${key.label.padEnd(width)}  ${key.address}${mark}`);
  }
  if (wallet.keys.length === 0)
    ctx.io.err(`${ctx.path} holds no keys: add one with \`altostream wallet new\``);
  return 0;
}

/**
 * `encrypt`: the migration of a plaintext wallet (decision 239). Every key and label
 * kept, written encrypted in one atomic replace; no plaintext copy is kept.
 */
export async function encryptWallet(ctx: KeysContext): Promise<number> {
  const wallet = await loadWallet(ctx.path, ctx.params);
  if (wallet.version === 2) {
    throw new WalletError('wallet-already-encrypted', `${ctx.path} is already encrypted`);
  }
  const passphrase = await newPassphrase(ctx.source, 'wallet encrypt');
  await saveWallet(ctx.path, wallet, { passphrase });
  ctx.io.err(
    `encrypted ${ctx.path}: ${wallet.keys.length} key${wallet.keys.length === 1 ? '' : 's'} kept, labels and addresses unchanged; no plaintext copy was kept (back up the new file and remember the passphrase: without it the seeds are lost)`,
  );
  return 0;
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_UNLOCK_SECONDS;
  const seconds = /^[1-9][0-9]{0,5}$/.test(text) ? Number(text) : NaN;
  if (!(seconds <= MAX_UNLOCK_SECONDS)) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--timeout takes whole seconds from 1 to ${MAX_UNLOCK_SECONDS}, got '${text}'`,
    );
  }
  return seconds;
}

/** `unlock`: the passphrase once, then an agent holds the keys for --timeout seconds (decision 238). */
export async function unlock(ctx: KeysContext): Promise<number> {
  const seconds = parseTimeout(ctx.timeout);
  const wallet = await loadWallet(ctx.path, ctx.params);
  if (wallet.version === 1) {
    throw new WalletError(
      'wallet-not-encrypted',
      `${ctx.path} is not encrypted, so there is nothing to unlock: run \`altostream wallet encrypt\` first`,
    );
  }
  const passphrase = await existingPassphrase(ctx.source, ctx.path, 'passphrase-required');
  const unlocked = await unlockWallet(ctx.path, ctx.params, passphrase);
  const pid = await startAgent(ctx.datadir, unlocked, seconds);
  ctx.io.err(
    `unlocked ${ctx.path} for ${seconds} s (agent pid ${pid} on ${agentSocketPath(ctx.datadir)}); \`altostream wallet lock\` locks it sooner`,
  );
  return 0;
}

export async function lock(ctx: KeysContext): Promise<number> {
  ctx.io.err((await lockAgent(ctx.datadir)) ? `locked ${ctx.path}` : `${ctx.path} was not unlocked`);
  return 0;
}
