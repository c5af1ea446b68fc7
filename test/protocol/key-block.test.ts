import fc from 'fast-check';
import { test } from 'tap';
import { RuleError } from '../../src/protocol/errors.js';
import {
  KEY_BLOCK_LENGTH,
  decodeKeyBlock,
  encodeKeyBlock,
  genesisBlock,
  keyBlockId,
  keyBlockRoot,
} from '../../src/protocol/key-block.js';
import { NETWORKS } from '../../src/protocol/params.js';
import { keyBlock } from '../helpers/arbitraries.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('the genesis blocks of §1.3 reproduce their aux commitments and ids', async (t) => {
  const aux = {
    mainnet: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    testnet: 'd2665ba5bdc3a0ea897a9b30f4b6e13fff234e8f2615fabf0054d21c1415c9b4',
    regtest: '12023a776b64f23010b011db2c1e6a641e27b75ea50ae1942bd0f53487d58df9',
  } as const;
  for (const params of Object.values(NETWORKS)) {
    const genesis = genesisBlock(params);
    t.equal(hex(genesis.body.aux), aux[params.name], `${params.name} aux`);
    t.equal(hex(keyBlockId(genesis.header)), params.genesis.id, `${params.name} id`);
    t.equal(hex(genesis.header.root), hex(keyBlockRoot(genesis.body)), `${params.name} root = H2(body)`);
    t.equal(encodeKeyBlock(genesis).length, KEY_BLOCK_LENGTH);
  }
});

test('key blocks round-trip through their 184-byte encoding (1,000 cases)', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(
        keyBlock,
        (block) => hex(encodeKeyBlock(decodeKeyBlock(encodeKeyBlock(block)))) === hex(encodeKeyBlock(block)),
      ),
      { numRuns: 1000 },
    );
  });
});

test('oversize and bad-encoding: a key block is exactly 184 bytes', async (t) => {
  t.throws(() => decodeKeyBlock(new Uint8Array(185)), { code: 'oversize' });
  t.throws(() => decodeKeyBlock(new Uint8Array(183)), { code: 'bad-encoding' });
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeKeyBlock(bytes);
          return bytes.length === KEY_BLOCK_LENGTH;
        } catch (error) {
          return error instanceof RuleError && bytes.length !== KEY_BLOCK_LENGTH;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
