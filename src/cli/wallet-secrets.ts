// Where the wallet commands get a passphrase (decision 239): --passphrase-file
// FILE (its first line), else typed on the terminal without echo, else an error
// that says what to pass. And the signer a signing command uses: the seeds in
// memory for a plaintext or public key, else the unlocked agent, else the
// passphrase; all of them go through wallet/signer.ts's one seam.
import { agentSigner } from '../wallet/agent.js';
import { WalletError } from '../wallet/errors.js';
import { isPublicKey, unlockWallet, type Wallet, type WalletKey } from '../wallet/keystore.js';
import { checkPassphrase, MAX_PASSPHRASE_LENGTH, readPassphraseFile } from '../wallet/passphrase.js';
import { seedSigner, type Signer } from '../wallet/signer.js';
import type { NetworkParams } from '../wallet/values.js';
import { InvalidArgumentError } from '../util/errors.js';

/** The terminal, for passphrases; tests pass their own. */
export interface PassphrasePrompt {
  /** Whether a person can type at stdin. */
  readonly isTTY: boolean;
  /** Asks `question` on stderr and reads one line from stdin without echoing it. */
  ask(question: string): Promise<string>;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u0008', '\u007f']);

/** process.stdin in raw mode: no echo, Ctrl-C aborts, backspace erases. */
export const terminalPrompt: PassphrasePrompt = {
  get isTTY() {
    return process.stdin.isTTY;
  },
  ask(question) {
    const stdin = process.stdin;
    process.stderr.write(question);
    return new Promise((resolve, reject) => {
      let typed = '';
      const finish = (error?: Error): void => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write('\n');
        if (error === undefined) resolve(typed);
        else reject(error);
      };
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === CTRL_D) {
            finish();
            return;
          }
          if (ch === CTRL_C) {
            finish(new WalletError('wallet-locked', 'interrupted: no passphrase typed'));
            return;
          }
          if (BACKSPACES.has(ch)) typed = typed.slice(0, -1);
          else if (typed.length < MAX_PASSPHRASE_LENGTH + 1) typed += ch;
        }
      };
      stdin.setEncoding('utf8');
      stdin.setRawMode(true);
      stdin.on('data', onData);
      stdin.resume();
    });
  },
};

export interface PassphraseSource {
  readonly file: string | undefined;
  readonly prompt: PassphrasePrompt;
}

function noTerminal(what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    'passphrase-required',
    `${what} needs a passphrase and stdin is not a terminal: pass --passphrase-file FILE (its first line is the passphrase)`,
  );
}

/** A new passphrase: from the file, or typed twice (they must match). */
export async function newPassphrase(source: PassphraseSource, what: string): Promise<string> {
  if (source.file !== undefined) return readPassphraseFile(source.file);
  if (!source.prompt.isTTY) throw noTerminal(what);
  const first = checkPassphrase(await source.prompt.ask('New wallet passphrase: '), 'the typed passphrase');
  const again = await source.prompt.ask('Repeat the passphrase: ');
  if (again !== first) {
    throw new InvalidArgumentError('bad-passphrase', 'the two passphrases differ: nothing was written');
  }
  return first;
}

/** The passphrase of an existing wallet: from the file, or typed once. */
export async function existingPassphrase(
  source: PassphraseSource,
  path: string,
  lockedCode: 'wallet-locked' | 'passphrase-required',
): Promise<string> {
  if (source.file !== undefined) return readPassphraseFile(source.file);
  if (!source.prompt.isTTY) {
    if (lockedCode === 'passphrase-required') throw noTerminal(`opening ${path}`);
    throw new WalletError(
      'wallet-locked',
      `${path} is encrypted and stdin is not a terminal: pass --passphrase-file FILE, or run \`altostream wallet unlock\` first`,
    );
  }
  return checkPassphrase(await source.prompt.ask(`Passphrase for ${path}: `), 'the typed passphrase');
}

/**
 * The signer for `key`: its seed when the file holds it in the clear (plaintext
 * wallet, public faucet key); with --passphrase-file, the wallet opened with it;
 * else the unlocked agent, falling back to asking for the passphrase.
 */
export function signerFor(
  key: WalletKey,
  wallet: Wallet,
  ctx: { readonly path: string; readonly datadir: string; readonly params: NetworkParams },
  source: PassphraseSource,
): Signer {
  if (!key.locked || isPublicKey(key, ctx.params)) return seedSigner(wallet);
  const withPassphrase = async (): Promise<Signer> =>
    seedSigner(
      await unlockWallet(ctx.path, ctx.params, await existingPassphrase(source, ctx.path, 'wallet-locked')),
    );
  if (source.file !== undefined) {
    return {
      sign: async (label, publicKey, message) => (await withPassphrase()).sign(label, publicKey, message),
    };
  }
  return agentSigner(ctx.datadir, withPassphrase);
}
