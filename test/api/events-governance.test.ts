// GET /events: `proposal_tallied` and `param_applied` derived from a block's
// state changes (decision 166) — the 0x0D status transitions its undo record
// names, read against the tip's state — sent just before the block's
// block_connected and replayed with ?from= and Last-Event-ID. Proposal, Vote
// and the tally have no effects yet, so the transitions are written by hand:
// into the undo records of blocks the chain connected, and their results into
// the state, as a tally at b and an apply step at c would have left them.
//
//   g ── a ── a1 ── b (tallies P1: passed, P2: no quorum) ── b1 ── c (applies P1, skips P3) ── c1
//                                                             └── x ── x1 ── y   (the reorg test's winning branch)
import type { AddressInfo } from 'node:net';
import { test, type Test } from 'tap';
import type { Entry } from '../../src/chain/index-entry.js';
import { governanceEvents } from '../../src/api/governance-events.js';
import { REGTEST } from '../../src/protocol/params.js';
import {
  encodeProposal,
  proposalKey,
  voteKey,
  type Proposal,
  type ProposalStatus,
} from '../../src/state/governance-entries.js';
import { decodeUndo, encodeUndo } from '../../src/state/undo.js';
import type { UndoEntry } from '../../src/state/view.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { SseClient, type SseMessage } from '../helpers/sse.js';
import { FAUCET_ACCOUNT } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const idByte = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const P1 = idByte(0x11);
const P2 = idByte(0x22);
const P3 = idByte(0x33);
const P4 = idByte(0x44);
const P5 = idByte(0x55);

const proposal = (status: ProposalStatus, over: Partial<Proposal> = {}): Proposal => ({
  proposer: FAUCET_ACCOUNT,
  kind: 1,
  text: '',
  paramId: 4,
  value: 1000n,
  deposit: ALTO,
  end: 1n,
  status,
  yes: 0n,
  no: 0n,
  abstain: 0n,
  ...over,
});
const TALLY = { yes: 3n * ALTO, no: ALTO, abstain: 2n * ALTO };
const changed = (id: Uint8Array, prior: Proposal | undefined): UndoEntry => ({
  key: proposalKey(id),
  prior: prior === undefined ? undefined : encodeProposal(prior),
});

test('governanceEvents: open → no-quorum/rejected/passed is a tally, passed → applied/skipped an apply; the rest says nothing', (t) => {
  const now = new Map<string, Proposal>([
    [hex(P1), proposal(4, { ...TALLY, end: 7n })], // tallied passed here, applied since
    [hex(P2), proposal(1, { kind: 0, paramId: 0, value: 0n, abstain: ALTO })],
    [hex(P3), proposal(5, { paramId: 9, value: 500n, ...TALLY })],
    [hex(P4), proposal(6, TALLY)], // replaced: no event
    [hex(P5), proposal(0)], // created by a Proposal: no event
  ]);
  const undo: UndoEntry[] = [
    changed(P3, proposal(3, { paramId: 9, value: 500n, ...TALLY })),
    changed(P1, proposal(0, { end: 7n })),
    changed(P2, proposal(0, { kind: 0, paramId: 0, value: 0n })),
    changed(P4, proposal(3, TALLY)),
    changed(P5, undefined),
    { key: voteKey(P1, FAUCET_ACCOUNT), prior: Uint8Array.of(1) },
  ];
  const block = { hex: 'cd'.repeat(32), keyHeight: 8n };
  t.same(
    governanceEvents(undo, (id) => now.get(hex(id)), block),
    [
      {
        event: 'proposal_tallied',
        data: {
          type: 'proposal_tallied',
          id: hex(P1),
          kind: 1,
          status: 'passed',
          statusCode: 3,
          yes: (3n * ALTO).toString(),
          no: ALTO.toString(),
          abstain: (2n * ALTO).toString(),
          end: 7,
          height: 8,
          block: block.hex,
        },
      },
      {
        event: 'proposal_tallied',
        data: {
          type: 'proposal_tallied',
          id: hex(P2),
          kind: 0,
          status: 'no-quorum',
          statusCode: 1,
          yes: '0',
          no: '0',
          abstain: ALTO.toString(),
          end: 1,
          height: 8,
          block: block.hex,
        },
      },
      {
        event: 'param_applied',
        data: {
          type: 'param_applied',
          param: 9,
          name: 'MATCH_LISTENERS',
          value: '500',
          proposal: hex(P3),
          status: 'skipped',
          statusCode: 5,
          height: 8,
          block: block.hex,
        },
      },
    ],
  );
  t.end();
});

/** One line per event: `+id`, `tallied <proposal> <status>`, `applied <param> <status>`. */
const summary = (messages: readonly SseMessage[]): string[] =>
  messages.map((m) =>
    m.event === 'block_connected'
      ? `+${String(m.data.id)}`
      : m.event === 'proposal_tallied'
        ? `tallied ${String(m.data.id)} ${String(m.data.status)} at ${String(m.data.block)}`
        : `${m.event} ${String(m.data.name)} ${String(m.data.status)} ${String(m.data.proposal)} at ${String(m.data.block)}`,
  );

/** The chain of the diagram, with b's tally and c's apply step written into their undo records and the state. */
function governanceBlocks(t: Test): { h: ChainHarness; b: Entry; c: Entry } {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('a', 'g');
  h.micro('a1', 'a');
  h.key('b', 'a1');
  h.micro('b1', 'b');
  h.key('c', 'b1');
  h.micro('c1', 'c');
  const b = h.entry('b');
  const c = h.entry('c');
  // What b's tally and c's apply step did, written where the chain keeps it: each block's undo
  // record gains the prior value of the proposals it changed; the state holds their values since.
  h.storage.commit((tables) => {
    const extend = (id: Uint8Array, entries: UndoEntry[]): void => {
      tables.undo.put(id, encodeUndo([...decodeUndo(tables.undo.get(id)!), ...entries]));
    };
    extend(b.id, [changed(P1, proposal(0)), changed(P2, proposal(0, { paramId: 5 }))]);
    extend(c.id, [changed(P1, proposal(3, TALLY)), changed(P3, proposal(3, { paramId: 8, value: 450n }))]);
    const state = h.chain.state();
    state.setProposal(P1, proposal(4, TALLY));
    state.setProposal(P2, proposal(1, { paramId: 5 }));
    state.setProposal(P3, proposal(5, { paramId: 8, value: 450n }));
    state.setParam(4, 1000n);
    state.writeTo(tables.state);
  });

  return { h, b, c };
}

test('events: proposal_tallied and param_applied come just before their block, and replay with ?from= and Last-Event-ID', async (t) => {
  const { h, b, c } = governanceBlocks(t);
  const app = await apiOnHarness(t, h, REGTEST);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const open = async (path: string, headers: Record<string, string> = {}): Promise<SseClient> => {
    const client = await SseClient.open(`${url}${path}`, headers);
    t.teardown(() => {
      client.close();
    });
    return client;
  };
  const tip = h.entry('c1').hex;
  const untilTip = (m: readonly SseMessage[]): boolean => m.some((e) => e.data.id === tip);
  const types = 'types=block_connected,proposal_tallied,param_applied';

  const tallied = [`tallied ${hex(P1)} passed at ${b.hex}`, `tallied ${hex(P2)} no-quorum at ${b.hex}`];
  const applied = [
    `param_applied MIN_MICROBLOCK_INTERVAL applied ${hex(P1)} at ${c.hex}`,
    `param_applied MATCH_MUSICIANS skipped ${hex(P3)} at ${c.hex}`,
  ];
  const all = await open(`/events?from=0&${types}`);
  await all.wait(untilTip);
  t.same(summary(all.messages), [
    `+${h.entry('g').hex}`,
    `+${h.entry('a').hex}`,
    `+${h.entry('a1').hex}`,
    ...tallied,
    `+${b.hex}`,
    `+${h.entry('b1').hex}`,
    ...applied,
    `+${c.hex}`,
    `+${tip}`,
  ]);
  t.same(
    all.messages.filter((m) => m.event !== 'block_connected').map((m) => m.id),
    [undefined, undefined, undefined, undefined],
    'no id: the cursor stays before the block',
  );
  t.match(all.messages[3]!.data, { yes: (3n * ALTO).toString(), no: ALTO.toString(), end: 1, height: 2 });
  t.match(all.messages[7]!.data, { param: 4, value: '1000', height: 3, statusCode: 4 });

  // A client that applied a1 and dropped hears b's tallies again; ?from=3 starts before c.
  const resumed = await open(`/events?${types}`, { 'last-event-id': h.entry('a1').hex });
  await resumed.wait(untilTip);
  t.same(summary(resumed.messages).slice(0, 3), [...tallied, `+${b.hex}`]);
  const fromC = await open(`/events?from=3&types=param_applied`);
  await fromC.wait((m) => m.length === 2);
  t.same(summary(fromC.messages), applied, '?types= filters, ?from= replays');
  const blocksOnly = await open(`/events?from=0&types=block_connected`);
  await blocksOnly.wait(untilTip);
  t.equal(blocksOnly.messages.length, 7, 'a stream that did not ask hears only blocks');
});

test('events: a reorg across the apply height disconnects c, and a replay of the winning chain tells the tally but no apply', async (t) => {
  const { h, b, c } = governanceBlocks(t);
  const app = await apiOnHarness(t, h, REGTEST);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const open = async (path: string): Promise<SseClient> => {
    const client = await SseClient.open(`${url}${path}`);
    t.teardown(() => {
      client.close();
    });
    return client;
  };
  const types = 'types=block_connected,block_disconnected,reorg,proposal_tallied,param_applied';
  const live = await open(`/events?from=3&${types}`);
  await live.wait((m) => m.some((e) => e.data.id === h.entry('c1').hex));
  t.same(
    live.messages.map((m) => m.event),
    ['param_applied', 'param_applied', 'block_connected', 'block_connected'],
  );
  // A heavier branch from b1 (two key blocks against one) wins: c1 and c are disconnected, their
  // undo records putting P1 and P3 back to passed.
  h.key('x', 'b1');
  h.micro('x1', 'x');
  h.key('y', 'x1');
  const tip = h.entry('y').hex;
  t.equal(h.chain.tip.hex, tip);
  await live.wait((m) => m.some((e) => e.event === 'reorg'));
  t.same(
    live.messages.slice(4).map((m) => `${m.event} ${String(m.data.id)}`),
    [
      `block_disconnected ${h.entry('c1').hex}`,
      `block_disconnected ${c.hex}`,
      `block_connected ${h.entry('x').hex}`,
      `block_connected ${h.entry('x1').hex}`,
      `block_connected ${tip}`,
      `reorg ${tip}`,
    ],
    'nothing is told of an apply step the winning branch does not have',
  );
  const replay = await open(`/events?from=0&types=proposal_tallied,param_applied,block_connected`);
  await replay.wait((m) => m.some((e) => e.data.id === tip));
  t.same(
    replay.messages
      .filter((m) => m.event !== 'block_connected')
      .map((m) => [m.event, m.data.id, m.data.status, m.data.block]),
    [
      ['proposal_tallied', hex(P1), 'passed', b.hex],
      ['proposal_tallied', hex(P2), 'no-quorum', b.hex],
    ],
  );
  const state = h.chain.state();
  t.equal(state.proposal(P1)?.status, 3, "c's undo put P1 back to passed");
});
