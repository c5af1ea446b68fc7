// The governance entries of §9.1 (0x0D, 0x0E, 0x11, 0x13, 0x14): keys sort
// numerically, values round-trip byte for byte, bad values are refused, and
// the overlay reads and writes them.
import { test } from 'tap';
import {
  decodeProposal,
  decodeScheduled,
  decodeScheduledKey,
  decodeVote,
  decodeVoteKey,
  encodeProposal,
  encodeScheduled,
  paramKey,
  proposalKey,
  scheduledKey,
  scheduledRange,
  voteKey,
  votesRange,
  type Proposal,
} from '../../src/state/governance-entries.js';
import { OverlayState } from '../../src/state/view.js';
import { Storage } from '../../src/storage/db.js';
import { tempDir } from '../helpers/temp-dir.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ID = new Uint8Array(32).fill(0x1d);

const PROPOSAL: Proposal = {
  proposer: new Uint8Array(20).fill(7),
  kind: 1,
  text: 'raise the interval ♪',
  paramId: 4,
  value: 2500n,
  deposit: 10n ** 18n,
  end: 41n,
  status: 3,
  yes: 5n,
  no: (1n << 128n) - 1n,
  abstain: 0n,
};

test('0x0D: the fields in §9.1 order, little-endian, round-trip; bad kind or status refused', (t) => {
  const bytes = encodeProposal(PROPOSAL);
  t.same(decodeProposal(bytes), PROPOSAL);
  t.equal(hex(bytes.subarray(0, 21)), '07'.repeat(20) + '01', 'proposer ‖ kind');
  const textEnd = 21 + 1 + Buffer.byteLength(PROPOSAL.text);
  t.equal(hex(bytes.subarray(textEnd, textEnd + 2)), '0400', 'param_id u16 LE after the text');
  t.equal(bytes.length, textEnd + 2 + 16 + 16 + 8 + 1 + 48);
  t.equal(hex(proposalKey(ID)), '0d' + '1d'.repeat(32));
  const badKind = Uint8Array.from(bytes);
  badKind[20] = 2;
  t.throws(() => decodeProposal(badKind));
  const badStatus = Uint8Array.from(bytes);
  badStatus[textEnd + 2 + 32 + 8] = 7;
  t.throws(() => decodeProposal(badStatus));
  t.throws(() => decodeProposal(Uint8Array.of(...bytes, 0)), { code: 'trailing-bytes' });
  t.end();
});

test('0x0E, 0x13, 0x14 keys: big-endian, so one proposal’s votes and one height’s changes are ranges', (t) => {
  const voter = new Uint8Array(20).fill(0xff);
  const key = voteKey(ID, voter);
  t.same(decodeVoteKey(key), { proposalId: ID, voter });
  const { start, end } = votesRange(ID);
  t.ok(Buffer.compare(start, key) < 0 && Buffer.compare(key, end) < 0, 'the all-0xff voter is inside');
  t.ok(
    Buffer.compare(voteKey(new Uint8Array(32).fill(0x1e), new Uint8Array(20)), end) > 0,
    'the next id is not',
  );
  t.equal(decodeVote(Uint8Array.of(3)), 3);
  t.throws(() => decodeVote(Uint8Array.of(0)));
  t.equal(hex(paramKey(258)), '130102');
  t.equal(hex(scheduledKey(0x0102n, 3)), '14' + '0000000000000102' + '0003');
  t.same(decodeScheduledKey(scheduledKey(99n, 12)), { applyHeight: 99n, paramId: 12 });
  const at = scheduledRange(99n);
  t.ok(Buffer.compare(at.start, scheduledKey(99n, 65_535)) < 0);
  t.ok(Buffer.compare(scheduledKey(99n, 65_535), at.end) < 0);
  t.ok(Buffer.compare(scheduledKey(100n, 0), at.end) >= 0, 'the next height is outside');
  const change = { proposalId: ID, value: 12n };
  t.same(decodeScheduled(encodeScheduled(change)), change);
  t.end();
});

test('the overlay reads what it wrote, and what was committed', async (t) => {
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  const view = new OverlayState(storage.read.state);
  const voter = new Uint8Array(20).fill(3);
  view.setProposal(ID, PROPOSAL);
  view.setVote(ID, voter, 2);
  view.setLastVotedEnd(voter, 41n);
  view.setParam(4, 2500n);
  view.setScheduled(45n, 4, { proposalId: ID, value: 2500n });
  storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  const read = new OverlayState(storage.read.state);
  t.same(read.proposal(ID), PROPOSAL);
  t.equal(read.vote(ID, voter), 2);
  t.equal(read.lastVotedEnd(voter), 41n);
  t.equal(read.param(4), 2500n);
  t.equal(read.param(5), undefined, 'never changed: undefined, §12 in force');
  t.same(read.scheduled(45n, 4), { proposalId: ID, value: 2500n });
  read.setScheduled(45n, 4, undefined);
  t.equal(read.scheduled(45n, 4), undefined, 'removed');
});
