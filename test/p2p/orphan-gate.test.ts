import { test } from 'tap';
import { ORPHAN_BUDGET, OrphanGate } from '../../src/p2p/orphan-gate.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { encodeMicroblock } from '../../src/protocol/microblock.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';

const KNOWN = new Uint8Array(32).fill(1);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function gate(clock: { now: number }): OrphanGate {
  return new OrphanGate({ knows: (id) => hex(id) === hex(KNOWN), now: () => clock.now });
}

const micro = (prev: Uint8Array): Uint8Array =>
  encodeMicroblock(buildMicroblock({ keyBlockId: KNOWN, prev, timeMs: 1n }));

test('orphan budget: past ORPHAN_BUDGET blocks on unknown parents a minute, a peer’s next ones are not decoded', (t) => {
  const clock = { now: 0 };
  const g = gate(clock);
  const orphan = micro(new Uint8Array(32).fill(7));
  for (let i = 0; i < ORPHAN_BUDGET.requests; i++) t.ok(g.admits('mallory', orphan));
  t.notOk(g.admits('mallory', orphan), 'over the budget');
  t.ok(g.admits('mallory', micro(KNOWN)), 'a block on a known parent is always decoded');
  t.ok(g.admits('alice', orphan), 'another peer has its own budget');
  clock.now += ORPHAN_BUDGET.windowMs + 1;
  t.ok(g.admits('mallory', orphan), 'the next window gives a new budget');
  t.end();
});

test('the gate reads prev from a key block as from a microblock', (t) => {
  const g = gate({ now: 0 });
  const orphan = encodeKeyBlock(mineKeyBlock({ prev: new Uint8Array(32).fill(9) }));
  for (let i = 0; i < ORPHAN_BUDGET.requests; i++) g.admits('mallory', orphan);
  t.notOk(g.admits('mallory', orphan));
  t.ok(g.admits('mallory', encodeKeyBlock(mineKeyBlock({ prev: KNOWN }))));
  t.end();
});

test('bytes too short to hold a prev go on to the decoder, which refuses them with its own code', (t) => {
  const g = gate({ now: 0 });
  for (let i = 0; i < ORPHAN_BUDGET.requests + 5; i++) t.ok(g.admits('mallory', new Uint8Array(35)));
  t.end();
});
