// `altostream wallet` in process against a stub node (test/helpers/stub-node.ts):
// a wallet of the given keys, the faucet's account rich on the stub, and the
// node's minimum fee rate set, so a command's posted transaction can be
// decoded and checked to the byte.
import type { Test } from 'tap';
import { walletCommand } from '../../src/cli/wallet-command.js';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { decodeTx, txEncodedLength, txId, type Tx } from '../../src/protocol/tx.js';
import { toHex } from '../../src/util/bytes.js';
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

/** The `index`-th transaction the wallet posted to the stub, decoded. */
export function postedTx(stub: StubNode, index: number): Tx {
  return decodeTx(Buffer.from(stub.posted[index] ?? '', 'hex'));
}

/** The tx passes consensus's stateless checks (signature over the §2.6 message included) and pays the default fee. */
export function checkSigned(t: Test, tx: Tx, key: WalletKey = FAUCET, nonce = 7n): void {
  t.doesNotThrow(() => {
    checkTxSanity(tx, REGTEST);
  }, 'consensus accepts the signature');
  t.same(tx.sender, getPublicKey(key.seed));
  t.equal(tx.nonce, nonce, 'nextNonce');
  t.equal(tx.fee, MIN_FEE_RATE * BigInt(txEncodedLength(tx)), "the node's min fee rate × size");
}

/**
 * Runs each case's arguments in turn: each exits 0, posts a tx signed by the faucet's seed
 * whose payload is the case's (`t.same`, or `t.match` with `partial`), and prints its txid.
 */
export async function expectPosted(
  t: Test,
  { stub, wallet }: StubWallet,
  cases: readonly (readonly [readonly string[], Record<string, unknown>])[],
  partial = false,
): Promise<void> {
  const first = stub.posted.length;
  for (const [i, [args, payload]] of cases.entries()) {
    const result = await wallet(...args);
    t.equal(result.code, 0, `${args.join(' ')}: ${result.err}`);
    const tx = postedTx(stub, first + i);
    checkSigned(t, tx);
    if (partial) t.match(tx.payload, payload, args.join(' '));
    else t.same(tx.payload, payload, args.join(' '));
    t.same(result.out, [toHex(txId(tx))], 'prints the txid');
  }
}

/**
 * Runs each case's arguments: each exits 2 with `message` on stderr, and nothing is posted;
 * unless `mayAsk`, no request reaches the stub at all (every argument is checked first).
 */
export async function expectRefused(
  t: Test,
  { stub, wallet }: StubWallet,
  cases: readonly (readonly [readonly string[], RegExp])[],
  mayAsk = false,
): Promise<void> {
  for (const [args, message] of cases) {
    const result = await wallet(...args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.err, message, args.join(' '));
  }
  if (!mayAsk) t.same(stub.requests, [], 'no request was made');
  t.same(stub.posted, [], 'nothing was sent');
}
