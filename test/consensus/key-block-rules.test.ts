import { test } from 'tap';
import { targetBytes, targetFromBits } from '../../src/consensus/difficulty.js';
import {
  checkKeyBlockContext,
  checkKeyBlockSanity,
  medianTimePast,
  type KeyBlockContext,
} from '../../src/consensus/key-block-rules.js';
import { meetsTarget, yespower } from '../../src/crypto/pow.js';
import { encodeKeyBlockHeader, keyBlockRoot, type KeyBlock } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { mineKeyBlock } from '../helpers/blocks.js';

const params = REGTEST;
const sanity = (block: KeyBlock) => () => {
  checkKeyBlockSanity(block, params);
};

/** The block with body fields changed and the root recomputed, so only the changed rule fails. */
function withBody(block: KeyBlock, body: Partial<KeyBlock['body']>): KeyBlock {
  const next = { ...block.body, ...body };
  return { header: { ...block.header, root: keyBlockRoot(next) }, body: next };
}

test('a mined regtest key block passes sanity', async (t) => {
  t.doesNotThrow(sanity(mineKeyBlock()));
});

test('bad-version: only version 1', async (t) => {
  const block = mineKeyBlock();
  t.throws(sanity({ ...block, header: { ...block.header, version: 2 } }), { code: 'bad-version' });
});

test('bad-magic: the body names another network', async (t) => {
  t.throws(sanity(withBody(mineKeyBlock(), { magic: Uint8Array.from([0xa1, 0x70, 0x57, 0x4d]) })), {
    code: 'bad-magic',
  });
});

test('bad-merkle-root: root ≠ H2(body)', async (t) => {
  const block = mineKeyBlock();
  t.throws(sanity({ ...block, body: { ...block.body, aux: new Uint8Array(32).fill(1) } }), {
    code: 'bad-merkle-root',
  });
});

test('bad-leader-key: small order, non-canonical, or not a point', async (t) => {
  const block = mineKeyBlock();
  const identity = Uint8Array.from([1, ...new Array<number>(31).fill(0)]);
  t.throws(sanity(withBody(block, { leaderKey: identity })), { code: 'bad-leader-key' }, 'the identity');
  t.throws(sanity(withBody(block, { leaderKey: new Uint8Array(32) })), { code: 'bad-leader-key' }, 'order 4');
  const yAboveP = Uint8Array.from([0xee, ...new Array<number>(30).fill(0xff), 0x7f]); // p + 1
  t.throws(sanity(withBody(block, { leaderKey: yAboveP })), { code: 'bad-leader-key' }, 'y ≥ p');
  const notAPoint = Uint8Array.from([2, ...new Array<number>(31).fill(0)]); // y = 2 has no x
  t.throws(sanity(withBody(block, { leaderKey: notAPoint })), { code: 'bad-leader-key' }, 'no x for this y');
});

test('bad-bits: zero or above POW_LIMIT', async (t) => {
  const block = mineKeyBlock();
  t.throws(sanity({ ...block, header: { ...block.header, bits: 0 } }), { code: 'bad-bits' });
  t.throws(sanity({ ...block, header: { ...block.header, bits: 0x2100ffff } }), { code: 'bad-bits' });
});

test('bad-pow: a nonce whose yespower hash is above the target', async (t) => {
  const block = mineKeyBlock();
  const target = targetBytes(targetFromBits(block.header.bits));
  let nonce = block.header.nonce;
  let failing: KeyBlock;
  do {
    nonce++;
    failing = { ...block, header: { ...block.header, nonce } };
  } while (meetsTarget(yespower(encodeKeyBlockHeader(failing.header)), target));
  t.throws(sanity(failing), { code: 'bad-pow' });
});

const CONTEXT: KeyBlockContext = {
  parentAllowed: true,
  parentKeyHeight: 0n,
  expectedBits: REGTEST.powLimitBits,
  medianTimePast: REGTEST.genesis.time,
  nowS: REGTEST.genesis.time + 3600,
};
const context =
  (block: KeyBlock, overrides: Partial<KeyBlockContext> = {}) =>
  () => {
    checkKeyBlockContext(block, { ...CONTEXT, ...overrides }, params);
  };

test('bad-prev, bad-height, bad-bits in context', async (t) => {
  const block = mineKeyBlock();
  t.doesNotThrow(context(block));
  t.throws(context(block, { parentAllowed: false }), { code: 'bad-prev' });
  t.throws(context(block, { parentKeyHeight: 1n }), { code: 'bad-height' });
  t.throws(context(block, { expectedBits: 0x1f00ffff }), { code: 'bad-bits' });
});

test('time-too-old: time must exceed the median of the last 11 key-block times', async (t) => {
  const block = mineKeyBlock({ time: REGTEST.genesis.time + 60 });
  t.throws(context(block, { medianTimePast: REGTEST.genesis.time + 60 }), { code: 'time-too-old' });
  t.equal(medianTimePast([5, 1, 9], REGTEST.mtpWindow), 5, 'n < 11: element ⌊n/2⌋ of the sorted list');
  t.equal(
    medianTimePast([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 200], REGTEST.mtpWindow),
    8,
    'only the last 11 count',
  );
  t.equal(medianTimePast([1, 2], REGTEST.mtpWindow), 2);
});

test('time-too-new: more than 7,200 s ahead of the local clock; not permanent, IGNOREd at gossip', async (t) => {
  const block = mineKeyBlock({ time: REGTEST.genesis.time + 60 + 7200 + 1 });
  t.throws(context(block, { nowS: REGTEST.genesis.time + 60 }), {
    code: 'time-too-new',
    permanent: false,
    gossip: 'ignore',
  });
  t.doesNotThrow(context(block, { nowS: REGTEST.genesis.time + 61 }), 'exactly 7,200 s ahead is allowed');
});
