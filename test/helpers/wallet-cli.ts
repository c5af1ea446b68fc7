// `altostream wallet` as a user runs it, against a node process: a wallet in
// its own directory holding the regtest faucet key (label `faucet`), and each
// command's printed txid.
import type { Owner } from './network.js';
import { getJson, type NetNode } from './network.js';
import { runCli } from './node-process.js';
import { tempDir } from './temp-dir.js';
import { REGTEST } from '../../src/protocol/params.js';
import { addKey, emptyWallet, faucetKey, saveWallet, walletPath } from '../../src/wallet/keystore.js';

export const FAUCET_KEY = faucetKey(REGTEST)!;

export type WalletCli = (api: NetNode, ...args: string[]) => Promise<string>;

/** A wallet holding the faucet key; the function runs `wallet <args>` through `api`'s API. */
export async function faucetWallet(owner: Owner): Promise<WalletCli> {
  const dir = tempDir((fn) => {
    owner.teardown(fn);
  });
  await saveWallet(walletPath(dir), addKey(emptyWallet(REGTEST), FAUCET_KEY));
  return async (api, ...args) => {
    const result = await runCli(['wallet', ...args, '--datadir', dir, '--api', api.url], {
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
