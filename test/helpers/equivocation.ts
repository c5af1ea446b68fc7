// An equivocation to report in a Poison (PROTOCOL.md §3.9): epoch 1's leader
// signs two seq-0 microblocks on b1. m1a pays 5 base units to 0xa1… with a fee
// of 1,000 and stays on the chain; m1b is never added — only its signed header
// matters.
//
//   g ── b1 ── m1a ── b2
//          └─ m1b
import type { Microblock } from '../../src/protocol/microblock.js';
import { buildMicroblock } from './blocks.js';
import { ChainHarness, type Teardown } from './chain-harness.js';
import { transfer } from './txs.js';

export const EQUIVOCATION_PAYEE = new Uint8Array(20).fill(0xa1);

export function equivocation(teardown: Teardown): { h: ChainHarness; m1a: Microblock; m1b: Microblock } {
  const h = ChainHarness.open(teardown);
  h.key('b1', 'g', 0xb1);
  h.micro('m1a', 'b1', [transfer(EQUIVOCATION_PAYEE, 5n, { fee: 1000n })]);
  const b1 = h.entry('b1');
  const m1b = buildMicroblock({
    keyBlockId: b1.id,
    prev: b1.id,
    keyHeight: 1n,
    seq: 0,
    timeMs: b1.timeMs + 2000n,
  });
  h.key('b2', 'm1a', 0xb2);
  return { h, m1a: h.blocks.get('m1a')!.block as Microblock, m1b };
}
