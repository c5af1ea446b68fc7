// `altostream wallet` in process against a stub node (test/helpers/stub-node.ts):
// a wallet of the given keys, the faucet's account rich on the stub, and the
// node's minimum fee rate set, so a command's posted transaction can be
// decoded and checked to the byte.
import { walletCommand } from '../../src/cli/wallet-command.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import {
  addKey,
  emptyWallet,
  faucetKey,
  saveWallet,
  walletPath,
  type WalletKey,
} from '../../src/wallet/keystore.js';
import { captureIo } from './io.js';
import { StubNode, type StubAccount } from './stub-node.js';
import { ownTempDir, type TestOwner } from './test-owner.js';

export const FAUCET = faucetKey(REGTEST)!;
/** The faucet's seed under the label stake, propose and vote sign with by default. */
export const STAKER: WalletKey = { ...FAUCET, label: 'default' };
export const RICH: StubAccount = { balance: parseAlto('1000'), nonce: 5n, nextNonce: 7n, unmatured: 0n };
export const MIN_FEE_RATE = 200_000_000_000n;

export interface StubWallet {
  readonly stub: StubNode;
  readonly wallet: (...args: string[]) => Promise<{ code: number; out: string[]; err: string }>;
}

/** A stub node where the faucet holds RICH, and a wallet of `keys` that talks to it. */
export async function stubWallet(t: TestOwner, keys: readonly WalletKey[]): Promise<StubWallet> {
  const datadir = ownTempDir(t);
  await saveWallet(walletPath(datadir), keys.reduce(addKey, emptyWallet(REGTEST)));
  const stub = await StubNode.start(t);
  stub.accounts.set(FAUCET.address, RICH);
  stub.status = { ...stub.status, mempool: { count: 0, bytes: 0, minFeeRate: MIN_FEE_RATE.toString() } };
  return {
    stub,
    wallet: async (...args) => {
      const c = captureIo();
      const code = await walletCommand(['--datadir', datadir, '--api', stub.url, ...args], c.io, {
        pollMs: 1,
        timeoutMs: 2000,
      });
      return { code, out: c.out, err: c.err.join('\n') };
    },
  };
}
