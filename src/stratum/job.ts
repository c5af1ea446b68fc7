// A Stratum job (PROTOCOL.md §11.3): a key-block template as mining.notify
// carries it, and the key block a share rebuilds from it. The encodings are
// cpuminer-opt's: `prevhash` is the header's prev with each 4-byte word
// reversed, version/nbits/ntime are big-endian hex, and the 104-byte body is
// coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2 (an empty merkle branch: the
// header's root is H2(body), §3.2).
import type { KeyBlockTemplate } from '../miner/template.js';
import { keyBlockRoot, type KeyBlock } from '../protocol/key-block.js';
import { toHex } from '../util/bytes.js';

export const EXTRANONCE1_LENGTH = 4;
export const EXTRANONCE2_LENGTH = 4;

export interface Job {
  /** Distinct hex string. */
  readonly id: string;
  readonly template: KeyBlockTemplate;
  /** The `prev` of its key block, hex: the job is stale once this leaves the best chain's epoch. */
  readonly prevHex: string;
  /** The params of its mining.notify, without clean_jobs. */
  readonly notify: readonly [string, string, string, string, string[], string, string, string];
}

/** An unsigned 32-bit value as 8 big-endian hex digits ("00000001"). */
export function u32Hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** The 32-byte prev with each 4-byte word reversed: 000102…1f → 03020100…1f1e1d1c. */
export function prevhashHex(prev: Uint8Array): string {
  const swapped = Buffer.from(prev);
  for (let i = 0; i < swapped.length; i += 4) swapped.writeUInt32LE(swapped.readUInt32BE(i), i);
  return swapped.toString('hex');
}

/** A template's notify fields, encoded once: every connection's job on it shares them. */
const encoded = new WeakMap<KeyBlockTemplate, { prevHex: string; fields: Job['notify'] }>();

export function jobOf(id: string, template: KeyBlockTemplate): Job {
  let known = encoded.get(template);
  if (known === undefined) {
    const { header } = template.block;
    known = {
      prevHex: toHex(header.prev),
      fields: [
        '',
        prevhashHex(header.prev),
        toHex(template.coinb1),
        toHex(template.coinb2),
        [],
        u32Hex(header.version),
        u32Hex(header.bits),
        u32Hex(header.time),
      ],
    };
    encoded.set(template, known);
  }
  const [, ...fields] = known.fields;
  return { id, template, prevHex: known.prevHex, notify: [id, ...fields] };
}

/** The key block a share names: the job's body with extranonce1 ‖ extranonce2, and the share's time and nonce. */
export function shareBlock(
  job: Job,
  extranonce1: Uint8Array,
  extranonce2: Uint8Array,
  time: number,
  nonce: number,
): KeyBlock {
  const extranonce = new Uint8Array(EXTRANONCE1_LENGTH + EXTRANONCE2_LENGTH);
  extranonce.set(extranonce1, 0);
  extranonce.set(extranonce2, EXTRANONCE1_LENGTH);
  const body = { ...job.template.block.body, extranonce };
  return { header: { ...job.template.block.header, root: keyBlockRoot(body), time, nonce }, body };
}
