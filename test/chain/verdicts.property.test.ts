// One verdict per block, as a property (PROTOCOL.md §3.3, §4.13, §10.2): over
// random sequences of honest blocks on random parents (forks and reorgs),
// blocks invalid by each code, re-deliveries and mutated copies,
//  - once a block is refused, every later delivery gets the same code and
//    verdict, except `time-too-new` (retry later);
//  - a block that connected to the best chain is never refused later;
//  - a mutated copy never marks the id invalid;
//  - the final tip and state digest equal a fresh chain's fed only the blocks
//    of the final best chain.
// ALTOSTREAM_PROPERTY_RUNS sets the number of sequences (CI runs a short version).
import fc from 'fast-check';
import { test, type Test } from 'tap';
import type { AnyBlock, Chain } from '../../src/chain/chain.js';
import type { Entry } from '../../src/chain/index-entry.js';
import { isMutatedClass } from '../../src/consensus/invalidity.js';
import { targetBytes, targetFromBits } from '../../src/consensus/difficulty.js';
import { meetsTarget, yespower } from '../../src/crypto/pow.js';
import { RuleError } from '../../src/protocol/errors.js';
import { encodeKeyBlockHeader, keyBlockId, type KeyBlock } from '../../src/protocol/key-block.js';
import { microblockId, type Microblock } from '../../src/protocol/microblock.js';
import { accountId } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import type { Tx } from '../../src/protocol/tx.js';
import { equalBytes, toHex } from '../../src/util/bytes.js';
import { buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { FAUCET_ACCOUNT, transfer } from '../helpers/txs.js';

const RUNS = Number(process.env.ALTOSTREAM_PROPERTY_RUNS ?? 25);
const ALTO = 10n ** 18n;
const ALICE = new Uint8Array(20).fill(0xa1);
/** The harness clock (chain-harness.ts): far ahead of every honest block. */
const NOW_S = REGTEST.genesis.time + 10_000_000;

const KEY_FAULTS = ['bad-bits', 'bad-height', 'time-too-old', 'time-too-new', 'bad-pow'] as const;
const MICRO_FAULTS = [
  'bad-sequence',
  'microblock-too-soon',
  'time-too-new',
  'bad-activation',
  'insufficient-funds',
  'bad-nonce',
  'bad-signature',
] as const;

type Action =
  | { readonly kind: 'key'; readonly parent: number }
  | { readonly kind: 'micro'; readonly parent: number; readonly txs: number }
  | { readonly kind: 'bad-key'; readonly parent: number; readonly fault: (typeof KEY_FAULTS)[number] }
  | { readonly kind: 'bad-micro'; readonly parent: number; readonly fault: (typeof MICRO_FAULTS)[number] }
  | { readonly kind: 'redeliver'; readonly which: number }
  | { readonly kind: 'mutated-first'; readonly parent: number; readonly how: 'reorder' | 'drop' | 'resign' }
  | { readonly kind: 'child-first'; readonly parent: number }
  | { readonly kind: 'on-condemned'; readonly which: number };

const pick = fc.nat({ max: 1000 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('key' as const), parent: pick }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('micro' as const),
      parent: pick,
      txs: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bad-key' as const),
      parent: pick,
      fault: fc.constantFrom(...KEY_FAULTS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bad-micro' as const),
      parent: pick,
      fault: fc.constantFrom(...MICRO_FAULTS),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), which: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('mutated-first' as const),
      parent: pick,
      how: fc.constantFrom('reorder' as const, 'drop' as const, 'resign' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('child-first' as const), parent: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('on-condemned' as const), which: pick }) },
);

type Verdict = string; // an AddResult, or `code/gossip`

interface Delivered {
  readonly block: AnyBlock;
  readonly verdicts: Verdict[];
}

const ACCEPTED = new Set(['connected', 'reorged', 'side']);
const TOLERATED = new Set(['orphan', 'duplicate', ...ACCEPTED]);

function idOf(block: AnyBlock): Uint8Array {
  return block.kind === 'key' ? keyBlockId(block.block.header) : microblockId(block.block.header);
}

/** The faucet's nonce after the blocks from genesis to `entry`. */
function faucetNonce(chain: Chain, entry: Entry): bigint {
  let nonce = 0n;
  for (let e: Entry | undefined = entry; e !== undefined; e = e.parent) {
    const body = e.kind === 'micro' ? chain.blockOf(e) : undefined;
    if (body?.kind === 'micro') nonce += BigInt(body.block.txs.filter((tx) => isFaucet(tx)).length);
  }
  return nonce;
}

const isFaucet = (tx: Tx): boolean => equalBytes(accountId(tx.sender), FAUCET_ACCOUNT);

class Run {
  readonly h: ChainHarness;
  /** Every verdict given, to show what the sequences covered. */
  readonly seen = new Set<Verdict>();
  /** Blocks delivered with their own bytes, by id. */
  readonly delivered = new Map<string, Delivered>();
  readonly order: string[] = [];
  private count = 0;

  constructor(teardown: (fn: () => unknown) => void) {
    this.h = ChainHarness.open(teardown);
  }

  /** Blocks the chain holds, to build on: genesis and every block it accepted. */
  parents(): Entry[] {
    const out: Entry[] = [this.h.chain.get(this.h.entry('g').id)!];
    for (const key of this.order) {
      const entry = this.h.chain.get(Buffer.from(key, 'hex'));
      if (entry !== undefined && this.h.chain.knownFailure(entry.id) === undefined) out.push(entry);
    }
    return out;
  }

  deliver(block: AnyBlock): Verdict {
    let verdict: Verdict;
    try {
      verdict = this.h.chain.add(block);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      verdict = `${error.code}/${error.gossip}`;
    }
    this.seen.add(verdict);
    return verdict;
  }

  /** Delivers a block in its own bytes and checks it against its earlier verdicts. */
  send(block: AnyBlock, t: Test): void {
    const key = toHex(idOf(block));
    const record = this.delivered.get(key) ?? { block, verdicts: [] };
    if (!this.delivered.has(key)) {
      this.delivered.set(key, record);
      this.order.push(key);
    }
    const verdict = this.deliver(record.block);
    const earlier = record.verdicts;
    const refusal = earlier.find((v) => !TOLERATED.has(v) && !v.startsWith('time-too-new'));
    if (refusal !== undefined && verdict !== refusal) {
      t.fail(`${key.slice(0, 12)} was refused as ${refusal}, now ${verdict} (${earlier.join(', ')})`);
    }
    const connected = earlier.some((v) => v === 'connected' || v === 'reorged');
    if (connected && !TOLERATED.has(verdict)) {
      t.fail(`${key.slice(0, 12)} connected, then refused as ${verdict}`);
    }
    earlier.push(verdict);
  }

  /** Delivers altered bytes under a delivered block's id: a mutated-class verdict, never a condemned id. */
  sendCopy(copy: AnyBlock, t: Test): void {
    const id = idOf(copy);
    const before = this.h.chain.knownFailure(id);
    const verdict = this.deliver(copy);
    const code = verdict.split('/')[0]!;
    if (!TOLERATED.has(verdict) && !isMutatedClass(code as RuleError['code']) && code !== 'time-too-new') {
      // A copy of a condemned block answers with that block's own verdict.
      if (before === undefined) t.fail(`a mutated copy answered ${verdict}`);
    }
    const after = this.h.chain.knownFailure(id);
    if (before === undefined && after !== undefined) {
      t.fail(`a mutated copy (${verdict}) condemned ${toHex(id).slice(0, 12)} as ${after.code}`);
    }
  }

  honestKey(parent: Entry, tweak: Partial<{ time: number; height: bigint; bits: number }> = {}): KeyBlock {
    return mineKeyBlock({
      prev: parent.id,
      height: tweak.height ?? parent.keyHeight + 1n,
      time: tweak.time ?? parent.epochKey.block.header.time + 60,
      ...(tweak.bits === undefined ? {} : { bits: tweak.bits }),
      body: { payout: new Uint8Array(20).fill(this.count++ % 251) },
    });
  }

  honestMicro(
    parent: Entry,
    txs: readonly Tx[],
    tweak: Partial<{ seq: number; timeMs: bigint; activation: Microblock['activation'] }> = {},
  ): Microblock {
    return buildMicroblock({
      keyBlockId: parent.epochKey.id,
      prev: parent.id,
      keyHeight: parent.keyHeight,
      seq: tweak.seq ?? (parent.kind === 'key' ? 0 : parent.seq + 1),
      timeMs: tweak.timeMs ?? parent.timeMs + 1000n,
      txs,
      ...(tweak.activation === undefined ? {} : { activation: tweak.activation }),
    });
  }

  transfers(parent: Entry, count: number, amount = 1n): Tx[] {
    const nonce = faucetNonce(this.h.chain, parent);
    return Array.from({ length: count }, (_, i) =>
      transfer(ALICE, amount + BigInt(i), { nonce: nonce + BigInt(i), fee: 1000n + BigInt(this.count++) }),
    );
  }

  badKey(parent: Entry, fault: (typeof KEY_FAULTS)[number]): KeyBlock {
    switch (fault) {
      case 'bad-bits':
        return this.honestKey(parent, { bits: 0x207ffffe });
      case 'bad-height':
        return this.honestKey(parent, { height: parent.keyHeight + 2n });
      case 'time-too-old':
        return this.honestKey(parent, { time: REGTEST.genesis.time });
      case 'time-too-new':
        return this.honestKey(parent, { time: NOW_S + 7201 });
      case 'bad-pow': {
        const block = this.honestKey(parent);
        const target = targetBytes(targetFromBits(block.header.bits));
        for (let nonce = 0; ; nonce++) {
          const header = { ...block.header, nonce };
          if (!meetsTarget(yespower(encodeKeyBlockHeader(header)), target)) return { ...block, header };
        }
      }
    }
  }

  badMicro(parent: Entry, fault: (typeof MICRO_FAULTS)[number]): Microblock {
    const seq = parent.kind === 'key' ? 0 : parent.seq + 1;
    switch (fault) {
      case 'bad-sequence':
        return this.honestMicro(parent, [], { seq: seq + 1 });
      case 'microblock-too-soon':
        return this.honestMicro(parent, this.transfers(parent, 1), { timeMs: parent.timeMs });
      case 'time-too-new':
        return this.honestMicro(parent, [], { timeMs: BigInt(NOW_S) * 1000n + 121_000n });
      case 'bad-activation':
        return this.honestMicro(parent, [], {
          activation: [{ index: 0, validatorKey: new Uint8Array(32), sig: new Uint8Array(64) }],
        });
      case 'insufficient-funds':
        return this.honestMicro(parent, this.transfers(parent, 1, 2_000_000n * ALTO));
      case 'bad-nonce':
        return this.honestMicro(parent, [
          transfer(ALICE, 1n, { nonce: faucetNonce(this.h.chain, parent) + 7n }),
        ]);
      case 'bad-signature': {
        const [tx] = this.transfers(parent, 1);
        return this.honestMicro(parent, [{ ...tx!, signature: new Uint8Array(64).fill(9) }]);
      }
    }
  }

  mutate(block: Microblock, how: 'reorder' | 'drop' | 'resign'): Microblock {
    switch (how) {
      case 'reorder':
        return { ...block, txs: [...block.txs].reverse() };
      case 'drop':
        return { ...block, txs: block.txs.slice(1) };
      case 'resign':
        return { ...block, leaderSig: new Uint8Array(64).fill(1) };
    }
  }

  run(actions: readonly Action[], t: Test): void {
    for (const a of actions) {
      const parents = this.parents();
      switch (a.kind) {
        case 'key':
          this.send({ kind: 'key', block: this.honestKey(parents[a.parent % parents.length]!) }, t);
          break;
        case 'bad-key':
          this.send({ kind: 'key', block: this.badKey(parents[a.parent % parents.length]!, a.fault) }, t);
          break;
        case 'micro':
        case 'bad-micro': {
          const epochs = parents.filter((p) => p.keyHeight > 0n);
          // Half on the tip: a side-branch microblock is checked under rules 1–4 only.
          const parent =
            a.parent % 2 === 0 ? this.h.chain.tip : epochs[a.parent % Math.max(1, epochs.length)];
          if (parent === undefined || parent.keyHeight === 0n) break;
          const block =
            a.kind === 'micro'
              ? this.honestMicro(parent, this.transfers(parent, a.txs))
              : this.badMicro(parent, a.fault);
          this.send({ kind: 'micro', block }, t);
          break;
        }
        case 'redeliver': {
          const key = this.order[a.which % Math.max(1, this.order.length)];
          if (key !== undefined) this.send(this.delivered.get(key)!.block, t);
          break;
        }
        case 'mutated-first': {
          // An altered copy arrives before the real block: the real one must still be judged on its merits.
          const epochs = parents.filter((p) => p.keyHeight > 0n);
          const parent = epochs[a.parent % Math.max(1, epochs.length)];
          if (parent === undefined) break;
          const genuine = this.honestMicro(parent, this.transfers(parent, 2));
          this.sendCopy({ kind: 'micro', block: this.mutate(genuine, a.how) }, t);
          this.send({ kind: 'micro', block: genuine }, t);
          break;
        }
        case 'child-first': {
          // A key block and its child, the child first: an orphan, adopted when its parent comes.
          const parent = this.honestKey(parents[a.parent % parents.length]!);
          const child = mineKeyBlock({
            prev: keyBlockId(parent.header),
            height: parent.body.height + 1n,
            time: parent.header.time + 60,
            body: { payout: new Uint8Array(20).fill(this.count++ % 251) },
          });
          this.send({ kind: 'key', block: child }, t);
          this.send({ kind: 'key', block: parent }, t);
          break;
        }
        case 'on-condemned': {
          const condemned = this.order.filter(
            (key) => this.h.chain.knownFailure(Buffer.from(key, 'hex')) !== undefined,
          );
          const key = condemned[a.which % Math.max(1, condemned.length)];
          if (key === undefined) break;
          const { block } = this.delivered.get(key)!;
          const [height, time] =
            block.kind === 'key'
              ? [block.block.body.height, block.block.header.time]
              : [block.block.header.keyHeight, Number(block.block.header.timeMs / 1000n)];
          const child = mineKeyBlock({
            prev: idOf(block),
            height: height + 1n,
            time: time + 60,
            body: { payout: new Uint8Array(20).fill(this.count++ % 251) },
          });
          this.send({ kind: 'key', block: child }, t);
          break;
        }
      }
    }
  }
}

test('one verdict per block over random sequences; the final state is the best chain replayed (property)', async (t) => {
  let runs = 0;
  const seen = new Set<Verdict>();
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 20, maxLength: 40, size: 'max' }), async (actions) => {
      const teardowns: (() => unknown)[] = [];
      try {
        const run = new Run((fn) => teardowns.push(fn));
        run.run(actions, t);
        // A fresh chain fed only the final best chain reaches the same tip and state.
        const best: AnyBlock[] = [];
        for (let e: Entry = run.h.chain.tip; e.parent !== undefined; e = e.parent) {
          best.push(run.h.chain.blockOf(e));
        }
        const fresh = ChainHarness.open((fn) => teardowns.push(fn));
        for (const block of best.reverse()) fresh.chain.add(block);
        runs++;
        for (const v of run.seen) seen.add(v);
        return fresh.chain.tip.hex === run.h.chain.tip.hex && fresh.digest() === run.h.digest();
      } finally {
        for (const fn of teardowns.reverse()) await fn();
      }
    }),
    { numRuns: RUNS },
  );
  t.equal(runs, RUNS, `${RUNS} sequences, each ending in the state of its best chain replayed`);
  // What the sequences covered: forks, reorgs, a re-delivery, and a refusal under each code.
  const expected = [
    'reorged',
    'side',
    'duplicate',
    'orphan',
    ...KEY_FAULTS.map((code) => `${code}/${code === 'time-too-new' ? 'ignore' : 'reject'}`),
    'time-too-new/ignore',
    'bad-sequence/reject',
    'microblock-too-soon/reject',
    'insufficient-funds/ignore',
    'bad-nonce/ignore',
    'bad-signature/reject',
    'bad-prev/ignore',
    'mutated/reject',
    'bad-leader-signature/reject',
  ];
  t.same(
    expected.filter((v) => !seen.has(v)),
    [],
    `every kind of verdict came up (${[...seen].sort().join(', ')})`,
  );
});
