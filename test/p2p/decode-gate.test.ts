import { test } from 'tap';
import { DecodeGate, ORPHAN_BUDGET } from '../../src/p2p/decode-gate.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { encodeMicroblock, type MicroblockHeader } from '../../src/protocol/microblock.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { signedTransfers } from '../helpers/flood.js';

const KNOWN = new Uint8Array(32).fill(1);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function gate(clock: { now: number }, keep: (h: MicroblockHeader, length: number) => boolean = () => true) {
  const asked: { seq: number; length: number }[] = [];
  const g = new DecodeGate({
    knows: (id) => hex(id) === hex(KNOWN),
    worthDecoding: (header, length) => {
      asked.push({ seq: header.seq, length });
      return keep(header, length);
    },
    now: () => clock.now,
  });
  return { g, asked };
}

/** A near-full microblock (~0.96 MB) on `prev`. */
const FULL_TXS = signedTransfers();
const micro = (prev: Uint8Array, seq = 0): Uint8Array =>
  encodeMicroblock(buildMicroblock({ keyBlockId: KNOWN, prev, seq, timeMs: 1n, txs: FULL_TXS }));

test('orphan budget: past ORPHAN_BUDGET bytes of blocks on unknown parents a minute, a peer’s next ones are not decoded', (t) => {
  const clock = { now: 0 };
  const { g } = gate(clock);
  const orphan = micro(new Uint8Array(32).fill(7));
  const fit = Math.floor(ORPHAN_BUDGET.bytes / orphan.length);
  t.ok(fit >= 4, `${fit} full orphans fit`);
  for (let i = 0; i < fit; i++) t.ok(g.admits('mallory', 'microblock', orphan));
  t.notOk(g.admits('mallory', 'microblock', orphan), 'over the budget');
  t.ok(g.admits('mallory', 'microblock', micro(KNOWN)), 'a block on a known parent still is');
  t.ok(g.admits('alice', 'microblock', orphan), 'another peer has its own budget');
  clock.now += ORPHAN_BUDGET.windowMs + 1;
  t.ok(g.admits('mallory', 'microblock', orphan), 'the next window gives a new budget');
  t.end();
});

test('the gate reads prev from a key block as from a microblock: small orphans cost little of the budget', (t) => {
  const { g } = gate({ now: 0 });
  const orphan = encodeKeyBlock(mineKeyBlock({ prev: new Uint8Array(32).fill(9) }));
  for (let i = 0; i < 1000; i++) t.ok(g.admits('mallory', 'keyblock', orphan));
  t.end();
});

test('a microblock on a known parent is decoded only if the chain could keep it', (t) => {
  const { g, asked } = gate({ now: 0 }, (header) => header.seq !== 3);
  const kept = micro(KNOWN, 2);
  t.ok(g.admits('mallory', 'microblock', kept));
  t.notOk(g.admits('mallory', 'microblock', micro(KNOWN, 3)), 'not worth decoding: IGNOREd undecoded');
  t.same(asked, [
    { seq: 2, length: kept.length },
    { seq: 3, length: kept.length },
  ]);
  t.end();
});

test('bytes too short to hold a header, and other topics, go on to the decoder', (t) => {
  const { g, asked } = gate({ now: 0 }, () => false);
  t.ok(g.admits('mallory', 'microblock', new Uint8Array(35)));
  t.ok(g.admits('mallory', 'microblock', Uint8Array.from([...new Uint8Array(4), ...KNOWN, 0])));
  t.ok(g.admits('mallory', 'tx', new Uint8Array(200)));
  t.same(asked, []);
  t.end();
});
