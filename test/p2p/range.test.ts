import { test } from 'tap';
import { rangeResponse } from '../../src/p2p/reqresp.js';
import type { Entry } from '../../src/chain/index-entry.js';
import {
  ACTIVATION_BOOTSTRAP,
  ACTIVATION_ENDORSED,
  ACTIVATION_FALLBACK,
  type Activation,
} from '../../src/consensus/activation.js';
import { MAX_BLOCK_MESSAGE, MAX_RESPONSE_BYTES, decodeBlockMessage } from '../../src/p2p/wire.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { transfer } from '../helpers/txs.js';

test('blocks-by-range serves best-chain epochs in order from (key height, start index)', async (t) => {
  //   g -> k1 -> m1a -> m1b -> k2 -> m2a -> k3
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('k1', 'g');
  h.micro('m1a', 'k1', [transfer(new Uint8Array(20).fill(1), 1n)]);
  h.micro('m1b', 'm1a', [transfer(new Uint8Array(20).fill(1), 1n, { nonce: 1n })]);
  h.key('k2', 'm1b');
  h.micro('m2a', 'k2', [transfer(new Uint8Array(20).fill(1), 1n, { nonce: 2n })]);
  h.key('k3', 'm2a');
  const kinds = (messages: Uint8Array[]): string[] => messages.map((m) => decodeBlockMessage(m).kind);

  t.same(kinds(rangeResponse(h.chain, { keyHeight: 1n, startIndex: 0, maxEpochs: 64 })), [
    'key',
    'micro',
    'micro',
    'key',
    'micro',
    'key',
  ]);
  t.same(
    kinds(rangeResponse(h.chain, { keyHeight: 1n, startIndex: 2, maxEpochs: 1 })),
    ['micro'],
    'from microblock seq 1, one epoch',
  );
  t.same(kinds(rangeResponse(h.chain, { keyHeight: 2n, startIndex: 0, maxEpochs: 1 })), ['key', 'micro']);
  t.same(
    rangeResponse(h.chain, { keyHeight: 9n, startIndex: 0, maxEpochs: 4 }),
    [],
    'beyond the tip: nothing',
  );
});

test('past 4 MiB a response only finishes an endorsed key block with its M_{h,0} (§10.3)', (t) => {
  // Epoch 1: bootstrap key + 4 microblocks of 1,000,001 bytes (4,000,189 bytes); epoch 2's key
  // block still fits, its M_{h,0} does not. A stub chain: only sizes and activations matter.
  const sized = (kind: 0 | 1, length: number): Uint8Array => new Uint8Array(length).fill(kind, 0, 1);
  const epoch = (height: bigint, activation: Activation, micros: number): Entry[] => [
    { kind: 'key', keyHeight: height, activation, size: 185 } as unknown as Entry,
    ...Array.from(
      { length: micros },
      (_, seq) => ({ kind: 'micro', keyHeight: height, seq, size: MAX_BLOCK_MESSAGE }) as unknown as Entry,
    ),
  ];
  const chainOf = (second: Activation): Parameters<typeof rangeResponse>[0] => {
    const epochs = [epoch(1n, ACTIVATION_BOOTSTRAP, 4), epoch(2n, second, 2)];
    return {
      epochBlocks: (h: bigint) => epochs[Number(h) - 1] ?? [],
      storedBytes: (e: Entry) => sized(e.kind === 'key' ? 0 : 1, (e as unknown as { size: number }).size),
    } as unknown as Parameters<typeof rangeResponse>[0];
  };
  const request = { keyHeight: 1n, startIndex: 0, maxEpochs: 64 };
  const endorsed = rangeResponse(chainOf(ACTIVATION_ENDORSED), request);
  t.same(
    endorsed.map((m) => decodeBlockMessage(m).kind),
    ['key', 'micro', 'micro', 'micro', 'micro', 'key', 'micro'],
    'the endorsed key block goes with its M_{h,0}, past the bound; M_{h,1} waits',
  );
  t.ok(endorsed.reduce((n, m) => n + m.length, 0) > MAX_RESPONSE_BYTES, 'past 4 MiB');
  for (const activation of [ACTIVATION_BOOTSTRAP, ACTIVATION_FALLBACK] as Activation[]) {
    t.same(
      rangeResponse(chainOf(activation), request).map((m) => decodeBlockMessage(m).kind),
      ['key', 'micro', 'micro', 'micro', 'micro', 'key'],
      `a key block activated alone (${activation}) does not stretch the response`,
    );
  }
  t.end();
});
