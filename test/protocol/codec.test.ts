import { test } from 'tap';
import { Reader, Writer } from '../../src/protocol/codec.js';
import { RuleError } from '../../src/protocol/errors.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

test('non-minimal-varint: a CompactSize must use its shortest form', async (t) => {
  t.throws(() => new Reader(bytes(0xfd, 0xfc, 0x00)).varint(1 << 20), { code: 'non-minimal-varint' });
  t.throws(() => new Reader(bytes(0xfe, 0xff, 0xff, 0x00, 0x00)).varint(1 << 20), {
    code: 'non-minimal-varint',
  });
  t.throws(() => new Reader(bytes(0xff, 1, 0, 0, 0, 0, 0, 0, 0)).varint(1 << 20), {
    code: 'non-minimal-varint',
  });
  t.equal(new Reader(bytes(0xfd, 0xfd, 0x00)).varint(1 << 20), 0xfd, 'the smallest 3-byte value');
  t.equal(
    new Reader(bytes(0xfe, 0x00, 0x00, 0x01, 0x00)).varint(1 << 20),
    0x10000,
    'the smallest 5-byte value',
  );
});

test('oversize: a length over its maximum is refused before anything is read or allocated', async (t) => {
  t.throws(() => new Reader(bytes(0xfe, 0x00, 0x00, 0x00, 0x40)).bytesOf(256), { code: 'oversize' });
  t.throws(() => new Reader(bytes(5, 1, 2, 3, 4, 5)).bytesOf(4), { code: 'oversize' });
  t.throws(() => new Reader(bytes(17)).list(16, (r) => r.u8()), { code: 'oversize' });
});

test('bad-encoding: truncated input', async (t) => {
  t.throws(() => new Reader(bytes(1, 2, 3)).u32(), { code: 'bad-encoding' });
  t.throws(() => new Reader(bytes(4, 1, 2)).bytesOf(10), { code: 'bad-encoding' });
  t.throws(() => new Reader(new Uint8Array(15)).u128(), { code: 'bad-encoding' });
});

test('trailing-bytes: every byte must be consumed', async (t) => {
  const r = new Reader(bytes(1, 2));
  r.u8();
  t.throws(
    () => {
      r.end();
    },
    { code: 'trailing-bytes' },
  );
});

test('bad-utf8: overlong forms, surrogates and stray continuation bytes are refused', async (t) => {
  for (const raw of [
    [0xc0, 0xaf], // overlong '/'
    [0xe0, 0x80, 0xaf], // overlong
    [0xed, 0xa0, 0x80], // U+D800, a surrogate
    [0x80], // a continuation byte alone
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  ]) {
    t.throws(() => new Reader(bytes(raw.length, ...raw)).string(64), { code: 'bad-utf8' }, raw.join(','));
  }
  t.equal(new Reader(new Writer().string('Ünïcødé 🎵', 64).finish()).string(64), 'Ünïcødé 🎵');
});

test('integers and u128 round-trip at their extremes', async (t) => {
  const max128 = (1n << 128n) - 1n;
  const encoded = new Writer()
    .u8(255)
    .u16(65535)
    .u32(0xffffffff)
    .u64((1n << 64n) - 1n)
    .u128(max128)
    .finish();
  const r = new Reader(encoded);
  t.same([r.u8(), r.u16(), r.u32(), r.u64(), r.u128()], [255, 65535, 0xffffffff, (1n << 64n) - 1n, max128]);
  t.ok(new RuleError('bad-encoding') instanceof Error);
});

test('bad-flag: a flag byte outside its listed values', async (t) => {
  t.throws(() => new Reader(bytes(2)).flag([0, 1], 'mint'), { code: 'bad-flag' });
  t.equal(new Reader(bytes(1)).flag([0, 1], 'mint'), 1);
});
