// The play and listener-period entries are written and read without the codec
// (decision 196): for every value the bytes must be exactly the codec's (§2.1
// little-endian values, §9.1 big-endian keys), and a value out of range or
// bytes of another length must fail as the codec fails.
import fc from 'fast-check';
import { test } from 'tap';
import { Reader, Writer } from '../../src/protocol/codec.js';
import { decodeListenerPeriod, encodeListenerPeriod } from '../../src/state/music-entries.js';
import {
  decodeListenerSong,
  decodeU64,
  encodeListenerSong,
  encodeU64,
  intervalKey,
  serialKey,
} from '../../src/state/play-entries.js';
import { readU64be, u64be } from '../../src/state/entries.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const account = fc.uint8Array({ minLength: 20, maxLength: 20 });

const be = (value: bigint): string => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value);
  return hex(out);
};

test('u64 values, 0x08 and 0x0A values: the codec’s bytes, read back to the same numbers', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(u64, u32, u128, (seconds, plays, support) => {
        const song = encodeListenerSong({ seconds, plays });
        const period = encodeListenerPeriod({ seconds, support });
        const decodedSong = decodeListenerSong(song);
        const decodedPeriod = decodeListenerPeriod(period);
        return (
          hex(encodeU64(seconds)) === hex(new Writer().u64(seconds).finish()) &&
          decodeU64(encodeU64(seconds), 'x') === new Reader(encodeU64(seconds)).u64() &&
          hex(song) === hex(new Writer().u64(seconds).u32(plays).finish()) &&
          decodedSong.seconds === seconds &&
          decodedSong.plays === plays &&
          hex(period) === hex(new Writer().u64(seconds).u128(support).finish()) &&
          decodedPeriod.seconds === seconds &&
          decodedPeriod.support === support
        );
      }),
      { numRuns: 2000 },
    );
  });
});

test('keys: big-endian u64 parts as DataView writes them, wrapping modulo 2^64 as it does', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(account, u64, u64, fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), (l, a, b, any) => {
        const interval = intervalKey(l, a, b);
        const serial = serialKey(l, b);
        return (
          hex(interval) === `0b${hex(l)}${be(a)}${be(b)}` &&
          hex(serial) === `0c${hex(l)}${be(b)}` &&
          readU64be(interval, 21) === a &&
          readU64be(interval, 29) === b &&
          hex(u64be(any)) === be(BigInt.asUintN(64, any))
        );
      }),
      { numRuns: 2000 },
    );
  });
});

test('out of range or the wrong length: the codec’s errors', async (t) => {
  t.throws(() => encodeU64(1n << 64n), RangeError);
  t.throws(() => encodeU64(-1n), RangeError);
  t.throws(() => encodeListenerSong({ seconds: 1n, plays: 2 ** 32 }), RangeError);
  t.throws(() => encodeListenerSong({ seconds: 1n, plays: 1.5 }), RangeError);
  t.throws(() => encodeListenerPeriod({ seconds: 1n, support: 1n << 128n }), RangeError);
  t.throws(() => decodeU64(new Uint8Array(9), 'interval end'), { code: 'trailing-bytes' });
  t.throws(() => decodeU64(new Uint8Array(7), 'interval end'), { code: 'bad-encoding' });
  t.throws(() => decodeListenerSong(new Uint8Array(13)), { code: 'trailing-bytes' });
  t.throws(() => decodeListenerPeriod(new Uint8Array(23)), { code: 'bad-encoding' });
  t.throws(() => readU64be(new Uint8Array(28), 21), RangeError);
});
