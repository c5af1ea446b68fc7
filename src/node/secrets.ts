// Secrets the node keeps in its data directory, each a hex file readable by
// the owner only (mode 0600): the node key (the leader key of the key blocks
// this node mines or serves over Stratum, §11.2) and the API token.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../util/errors.js';
import { fromHex } from '../util/bytes.js';

export const NODE_KEY_FILE = 'node-key';
export const API_TOKEN_FILE = 'api-token';
/** The seed of the libp2p peer key: the peer id stays the same across restarts. */
export const P2P_KEY_FILE = 'p2p-key';

/** Reads a 32-byte hex secret, creating it on first use. */
export function loadOrCreateSecret(dir: string, name: string): Uint8Array {
  const path = join(dir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const secret = randomBytes(32);
    writeFileSync(path, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return new Uint8Array(secret);
  }
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new InvalidArgumentError(
      'bad-secret-file',
      `${path} does not hold 64 hex digits: restore it from a backup, or delete it to make a new one`,
    );
  }
  chmodSync(path, 0o600); // tighten a copy restored with looser permissions
  return fromHex(text);
}

export const nodeKeyPath = (dir: string): string => join(dir, NODE_KEY_FILE);
export const apiTokenPath = (dir: string): string => join(dir, API_TOKEN_FILE);
