// The music economy's transactions as a wallet user types them (PROTOCOL.md
// §4.3–§4.6): RegisterIdentity, RegisterSong, Donate and Subscribe. Flags are
// read and checked here, the payloads built by the client library
// (client/sign.ts) with the rules a node applies first, so a bad song or
// subscription fails with the node's code (exit 2) before anything is sent.
import { openSync, closeSync, readSync } from 'node:fs';
import {
  donatePayload,
  registerIdentityPayload,
  registerSongPayload,
  subscribePayload,
  LIMITS,
  ROLE_LISTENER,
  ROLE_MUSICIAN,
  type SplitLike,
} from '../client/sign.js';
import { sha256OfChunks } from '../crypto/hash.js';
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';
import type { TxPayload } from '../protocol/tx.js';
import { fromHex } from '../util/bytes.js';
import { InvalidArgumentError } from '../util/errors.js';
import { parseAddressArg } from './values.js';

/** How much of a song's file is read at a time to hash it: the file is never held whole. */
export const SONG_FILE_CHUNK_BYTES = 1 << 20;

/** A payload builder's RuleError as a bad argument (exit 2) with the node's code. */
function checked<T>(build: () => T, what: string): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    throw new InvalidArgumentError(error.code, `${error.code}: ${what}`);
  }
}

/** 64 hex digits (32 bytes), as --id, --song and --metadata take them. */
export function parseHex32Arg(name: string, text: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new InvalidArgumentError('bad-flag', `${name} takes 64 hex digits (32 bytes), got '${text}'`);
  }
  return fromHex(text.toLowerCase());
}

export interface IdentityFlags {
  readonly musician?: boolean;
  readonly listener?: boolean;
  readonly name?: string;
  readonly metadata?: string;
}

/** `register --musician|--listener [--name N] [--metadata HEX]`: both roles may be asked at once. */
export function identityPayload(flags: IdentityFlags): TxPayload {
  const roles = (flags.musician === true ? ROLE_MUSICIAN : 0) | (flags.listener === true ? ROLE_LISTENER : 0);
  if (roles === 0)
    throw new InvalidArgumentError('bad-flag', 'register takes --musician, --listener or both');
  const metadata = flags.metadata === undefined ? undefined : parseHex32Arg('--metadata', flags.metadata);
  return checked(
    () => registerIdentityPayload({ roles, displayName: flags.name ?? '', metadata }),
    `--name is ${new TextEncoder().encode(flags.name ?? '').length} bytes of UTF-8, at most 64`,
  );
}

/** H(file) (§4.4's recommended song id), read in chunks of SONG_FILE_CHUNK_BYTES. */
export function songIdOfFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw new InvalidArgumentError('bad-flag', `--file: cannot read ${path}: ${(cause as Error).message}`);
  }
  try {
    const chunk = new Uint8Array(SONG_FILE_CHUNK_BYTES);
    return sha256OfChunks(
      (function* () {
        for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) yield chunk.subarray(0, n);
      })(),
    );
  } finally {
    closeSync(fd);
  }
}

/** --split ADDR:BP: an address of the network and basis points 1–10,000. */
export function parseSplitArg(text: string, params: NetworkParams): SplitLike {
  const match = /^([^:]+):(0|[1-9][0-9]{0,4})$/.exec(text);
  if (match === null) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--split takes ADDRESS:BP such as ${params.hrp}1…:2500, got '${text}'`,
    );
  }
  return { account: parseAddressArg('--split', match[1]!, params), bp: Number(match[2]) };
}

/** --duration: whole seconds. */
function parseWholeArg(name: string, text: string | undefined): number {
  if (text === undefined) throw new InvalidArgumentError('bad-flag', `${name} is required`);
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) {
    throw new InvalidArgumentError('bad-flag', `${name} takes a whole number, got '${text}'`);
  }
  return Number(text);
}

export interface SongFlags {
  readonly id?: string;
  readonly file?: string;
  readonly title?: string;
  readonly duration?: string;
  readonly split?: readonly string[];
  readonly metadata?: string;
}

/**
 * `song --id HEX|--file PATH --title T --duration S [--split ADDR:BP ...]`. Without --split the
 * whole song is the signer's (`owner`, 10,000 bp); with it the splits must sum to 10,000 (§4.4).
 */
export function songPayload(flags: SongFlags, owner: string, params: NetworkParams): TxPayload {
  if ((flags.id === undefined) === (flags.file === undefined)) {
    throw new InvalidArgumentError('bad-flag', 'song takes one of --id HEX or --file PATH');
  }
  if (flags.title === undefined) throw new InvalidArgumentError('bad-flag', '--title is required');
  const durationS = parseWholeArg('--duration', flags.duration);
  const given = (flags.split ?? []).map((s) => parseSplitArg(s, params));
  const splits = given.length > 0 ? given : [{ account: owner, bp: LIMITS.splitTotalBp }];
  const metadata = flags.metadata === undefined ? undefined : parseHex32Arg('--metadata', flags.metadata);
  const songId = flags.id !== undefined ? parseHex32Arg('--id', flags.id) : songIdOfFile(flags.file!);
  return checked(
    () => registerSongPayload({ songId, title: flags.title!, metadata, durationS, splits }, params),
    `a song lasts 1–${LIMITS.durationS} s, its title is at most 128 bytes, and its splits are 1–${LIMITS.splits} distinct holders with bp > 0 summing to ${LIMITS.splitTotalBp}`,
  );
}

/** `donate ADDR AMOUNT` or `donate --song HEX AMOUNT`. */
export function donationPayload(
  target: { readonly musician: string } | { readonly song: string },
  amount: bigint,
  memo: Uint8Array,
  params: NetworkParams,
): TxPayload {
  if ('song' in target) {
    return donatePayload({ songId: parseHex32Arg('--song', target.song), amount, memo }, params);
  }
  const musician = parseAddressArg('<musician-address>', target.musician, params);
  return donatePayload({ musician, amount, memo }, params);
}

/** `subscribe MUSICIAN AMOUNT --periods N`: 1–366 periods (§4.6); the minimum price is the node's check. */
export function subscriptionPayload(
  musician: string,
  amount: bigint,
  periodsText: string | undefined,
  params: NetworkParams,
): TxPayload {
  const address = parseAddressArg('<musician-address>', musician, params);
  const periods = parseWholeArg('--periods', periodsText);
  return checked(
    () => subscribePayload({ musician: address, amount, periods }, params),
    `--periods takes 1–${LIMITS.periods}, got ${periods}`,
  );
}
