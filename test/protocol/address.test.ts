import { bech32, bech32m } from '@scure/base';
import fc from 'fast-check';
import { test } from 'tap';
import { RESERVE_ACCOUNT, accountId, decodeAddress, encodeAddress } from '../../src/protocol/address.js';
import { sha256 } from '../../src/crypto/hash.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('accounts and addresses reproduce PROTOCOL.md §2.4 and §2.5', async (t) => {
  const key = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  const account = accountId(key);
  t.equal(hex(account), '21fe31dfa154a261626bf854046fd2271b7bed4b');
  t.equal(encodeAddress('alto', account), 'alto1y8lrrhap2j3xzcntlp2qgm7jyudhhm2t7xv58m');
  t.equal(hex(RESERVE_ACCOUNT), 'd63d71914e20bd51c577669e6d0db97d87756154');
  t.equal(
    hex(RESERVE_ACCOUNT),
    hex(sha256(new TextEncoder().encode('ALTO/reserve')).slice(0, 20)),
    'the written-out reserve is the hash',
  );
  t.equal(encodeAddress('alto', RESERVE_ACCOUNT), 'alto16c7hry2wyz74r3thv60x6rde0krh2c25ca39yv');
  t.equal(hex(decodeAddress('alto', 'alto1y8lrrhap2j3xzcntlp2qgm7jyudhhm2t7xv58m')), hex(account));
  t.equal(
    hex(decodeAddress('alto', 'ALTO1Y8LRRHAP2J3XZCNTLP2QGM7JYUDHHM2T7XV58M')),
    hex(account),
    'all upper case',
  );
});

test('bad-address: wrong HRP, mixed case, a bech32 (not m) checksum, a typo, a wrong length', async (t) => {
  const good = 'alto1y8lrrhap2j3xzcntlp2qgm7jyudhhm2t7xv58m';
  t.throws(() => decodeAddress('ralto', good), { code: 'bad-address' }, 'another network');
  t.throws(() => decodeAddress('alto', 'Alto1y8lrrhap2j3xzcntlp2qgm7jyudhhm2t7xv58m'), {
    code: 'bad-address',
  });
  const account = Buffer.from('21fe31dfa154a261626bf854046fd2271b7bed4b', 'hex');
  t.throws(() => decodeAddress('alto', bech32.encode('alto', bech32.toWords(account))), {
    code: 'bad-address',
  });
  t.throws(
    () => decodeAddress('alto', good.slice(0, -1) + 'n'),
    { code: 'bad-address' },
    'a changed character',
  );
  t.throws(
    () => decodeAddress('alto', bech32m.encode('alto', bech32m.toWords(new Uint8Array(19)))),
    { code: 'bad-address' },
    '19 bytes',
  );
  t.throws(() => decodeAddress('alto', 'not an address'), { code: 'bad-address' });
});

test('every 20-byte account round-trips through its address', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (account) => {
        return hex(decodeAddress('talto', encodeAddress('talto', account))) === hex(account);
      }),
      { numRuns: 1000 },
    );
  });
});
