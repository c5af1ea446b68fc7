// Encrypted wallets at a test-friendly scrypt cost: the cost is a parameter the
// file stores (decision 236), never an environment switch of the production code.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkParams } from '../../src/protocol/params.js';
import { addKey, emptyWallet, saveWallet, walletPath, type WalletKey } from '../../src/wallet/keystore.js';
import type { ScryptParams } from '../../src/wallet/keystore-crypto.js';

/** 2^10: about a millisecond, against 2^17's 0.4 s. */
export const TEST_SCRYPT: ScryptParams = { n: 2 ** 10, r: 8, p: 1 };
export const PASSPHRASE = 'correct horse battery staple';

/** Writes `datadir`'s wallet holding `keys`, encrypted with `passphrase` at TEST_SCRYPT. */
export async function encryptedWallet(
  datadir: string,
  params: NetworkParams,
  keys: readonly WalletKey[],
  passphrase = PASSPHRASE,
): Promise<string> {
  const path = walletPath(datadir);
  await saveWallet(path, keys.reduce(addKey, emptyWallet(params)), { passphrase, cost: TEST_SCRYPT });
  return path;
}

/** A file in `dir` whose first line is `passphrase`. */
export function passphraseFile(dir: string, passphrase = PASSPHRASE, name = 'passphrase'): string {
  const file = join(dir, name);
  writeFileSync(file, `${passphrase}\n`, { mode: 0o600 });
  return file;
}
