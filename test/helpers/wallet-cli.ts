// `altostream wallet` as a user runs it, against a node process: a wallet in
// its own directory holding the regtest faucet key (label `faucet`), and each
// command's printed txid.
import type { Owner } from './network.js';
import { getJson, type NetNode } from './network.js';
import { runCli } from './node-process.js';
import { tempDir } from './temp-dir.js';
import { REGTEST } from '../../src/protocol/params.js';
import { faucetKey } from '../../src/wallet/keystore.js';
import { encryptedWallet, passphraseFile } from '../wallet/test-kdf.js';

export const FAUCET_KEY = faucetKey(REGTEST)!;

export type WalletCli = (api: NetNode, ...args: string[]) => Promise<string>;

/** The subcommands that take --passphrase-file. */
const TAKES_PASSPHRASE = new Set([
  'new',
  'send',
  'stake',
  'unstake',
  'propose',
  'vote',
  'register',
  'song',
  'donate',
  'subscribe',
]);

/**
 * A wallet holding the faucet key, encrypted (at the tests' scrypt cost) so that the keys
 * `wallet new` adds are sealed as a user's are; the function runs `wallet <args>` through
 * `api`'s API, with the passphrase file wherever the subcommand takes one.
 */
export async function faucetWallet(owner: Owner): Promise<WalletCli> {
  const dir = tempDir((fn) => {
    owner.teardown(fn);
  });
  await encryptedWallet(dir, REGTEST, [FAUCET_KEY]);
  const passphrase = passphraseFile(dir);
  return async (api, ...args) => {
    const secret = TAKES_PASSPHRASE.has(args[0] ?? '') ? ['--passphrase-file', passphrase] : [];
    const result = await runCli(['wallet', ...args, ...secret, '--datadir', dir, '--api', api.url], {
      killAfterMs: 30_000,
    });
    if (result.code !== 0) throw new Error(`wallet ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
}

/** Whether `node` reports transaction `txid` in a block. */
export async function confirmedOn(node: NetNode, txid: string): Promise<boolean> {
  return (await getJson<{ status: string }>(`${node.url}/txs/${txid}`)).status === 'confirmed';
}
