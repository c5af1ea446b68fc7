// The leader's endorsement pool (PROTOCOL.md §5.4, §10.2): one endorsement per
// (key_block_id, index), sections in increasing index order, bounded memory.
import { test } from 'tap';
import { checkEndorsement } from '../../src/consensus/activity.js';
import { EndorsementPool, MAX_ENDORSED_CANDIDATES } from '../../src/miner/endorsements.js';
import { REGTEST } from '../../src/protocol/params.js';
import { drawFixture, endorse } from '../helpers/endorsements.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const N = REGTEST.poa.slots;

test('a duplicate (key_block_id, index) is a no-op and says so; the section is every slot held, in order', async (t) => {
  const { keyBlockId, owners, seedOf } = drawFixture('pool');
  const pool = new EndorsementPool({ slots: N });
  const held = (index: number) => {
    const e = endorse(keyBlockId, index, seedOf(owners[index]!));
    return { keyBlockId, slot: checkEndorsement(e, keyBlockId, owners, REGTEST), sig: e.sig };
  };
  const first = held(3);
  t.equal(pool.add(first), 'added');
  t.equal(pool.add(held(0)), 'added');
  t.equal(pool.add({ ...first, sig: new Uint8Array(64).fill(1) }), 'duplicate');
  t.ok(pool.has(keyBlockId, 3));
  t.notOk(pool.has(keyBlockId, 1));
  t.equal(pool.add(held(4)), 'added');
  t.equal(pool.count(keyBlockId), 3);
  const section = pool.section(keyBlockId);
  t.same(
    section.map((e) => e.index),
    [0, 3, 4],
    'indices strictly increasing',
  );
  t.equal(hex(section[1]!.sig), hex(first.sig), 'the first endorsement of a slot is kept');
  t.same(pool.section(new Uint8Array(32)), [], 'an unknown key block has an empty section');
  pool.drop(keyBlockId);
  t.equal(pool.count(keyBlockId), 0);
  t.throws(() => pool.add({ ...first, slot: { ...first.slot, index: N } }), { code: 'bad-index' });
});

test(`the pool holds at most ${MAX_ENDORSED_CANDIDATES} key blocks, forgetting the oldest`, async (t) => {
  const pool = new EndorsementPool({ slots: N });
  const idOf = (i: number) =>
    Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? i & 0xff : k === 1 ? i >> 8 : 0));
  const slot = { index: 0, validatorKey: new Uint8Array(32), account: new Uint8Array(20) };
  for (let i = 0; i <= MAX_ENDORSED_CANDIDATES; i++)
    pool.add({ keyBlockId: idOf(i), slot, sig: new Uint8Array(64) });
  t.equal(pool.size, MAX_ENDORSED_CANDIDATES);
  t.notOk(pool.has(idOf(0), 0), 'the oldest is gone');
  t.ok(pool.has(idOf(1), 0));
  t.ok(pool.has(idOf(MAX_ENDORSED_CANDIDATES), 0), 'the newest is held');
  t.throws(() => new EndorsementPool({ slots: N, maxCandidates: 0 }), { code: 'bad-limit' });
});
