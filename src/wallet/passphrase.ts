// A passphrase from a file (--passphrase-file FILE, and the node's validator
// passphrase file): its first line, without the line end. Refused when empty.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../util/errors.js';

/** A passphrase file is a line, not a document: anything bigger is a wrong path. */
export const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;
/** The longest passphrase taken, typed or read, in UTF-16 code units. */
export const MAX_PASSPHRASE_LENGTH = 1024;

export function checkPassphrase(passphrase: string, where: string): string {
  if (passphrase.length === 0) {
    throw new InvalidArgumentError(
      'bad-passphrase',
      `${where}: the passphrase is empty: an empty one protects nothing`,
    );
  }
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    throw new InvalidArgumentError(
      'bad-passphrase',
      `${where}: the passphrase is longer than ${MAX_PASSPHRASE_LENGTH} characters`,
    );
  }
  return passphrase;
}

/** The first line of `path` (a trailing '\r' dropped); `bad-passphrase` if unreadable, too big or empty. */
export async function readPassphraseFile(path: string, flag = '--passphrase-file'): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InvalidArgumentError(
      'bad-passphrase',
      `${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (bytes.length > MAX_PASSPHRASE_FILE_BYTES) {
    throw new InvalidArgumentError(
      'bad-passphrase',
      `${flag} ${path}: ${bytes.length} bytes; a passphrase file holds one line, at most ${MAX_PASSPHRASE_FILE_BYTES} bytes`,
    );
  }
  const line = bytes.toString('utf8').split('\n', 1)[0]!.replace(/\r$/, '');
  return checkPassphrase(line, `${flag} ${path}`);
}
