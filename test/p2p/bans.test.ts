import { test } from 'tap';
import { multiaddr } from '@multiformats/multiaddr';
import {
  BanList,
  DISCOURAGE_AFTER_BANS,
  ipOf,
  roomForDiscouraged,
  type Ban,
  type BanStore,
} from '../../src/p2p/bans.js';

test('a ban lasts its duration on the clock passed in, then lapses', async (t) => {
  const clock = { ms: 1_000 };
  const bans = new BanList({ durationMs: 24 * 3600 * 1000 }, { now: () => clock.ms });
  bans.ban('peer-a', 'bad-pow');
  t.ok(bans.isBanned('peer-a'));
  t.notOk(bans.isBanned('peer-b'));
  t.same(bans.list(), [
    { peer: 'peer-a', address: null, until: 1_000 + 24 * 3600 * 1000, reason: 'bad-pow' },
  ]);
  clock.ms += 24 * 3600 * 1000 - 1;
  t.ok(bans.isBanned('peer-a'), 'still banned a millisecond before the end');
  clock.ms += 1;
  t.notOk(bans.isBanned('peer-a'), 'lapsed');
  t.same(bans.list(), []);
});

/** A BanStore in memory, counting its writes. */
function memoryStore(): BanStore & { readonly records: Map<string, Ban>; writes: number } {
  const records = new Map<string, Ban>();
  return {
    records,
    writes: 0,
    load(now) {
      return [...records.values()].filter((b) => b.until > now);
    },
    put(ban) {
      this.writes++;
      records.set(ban.peer, ban);
    },
    remove(peer) {
      this.writes++;
      records.delete(peer);
    },
  };
}

const HOUR = 3600 * 1000;

test('a ban is written to the store once, and a new list on the same store starts with it and its expiry', async (t) => {
  const clock = { ms: 1_000 };
  const store = memoryStore();
  const first = new BanList({ durationMs: HOUR }, { now: () => clock.ms, store });
  first.ban('peer-a', 'bad-signature', '10.0.0.7');
  t.equal(store.writes, 1, 'one write per ban');
  t.ok(first.isBanned('peer-a'));
  clock.ms += HOUR / 2;
  const restarted = new BanList({ durationMs: HOUR }, { now: () => clock.ms, store });
  t.ok(restarted.isBanned('peer-a'), 'still banned after a restart');
  t.same(restarted.list(), [
    { peer: 'peer-a', address: '10.0.0.7', until: 1_000 + HOUR, reason: 'bad-signature' },
  ]);
  clock.ms += HOUR / 2;
  t.notOk(restarted.isBanned('peer-a'), 'lapsed at its original expiry');
  t.equal(store.records.size, 0, 'and removed from the store');
});

test(`an address is discouraged while ${DISCOURAGE_AFTER_BANS} peers banned from it are still banned, not before and not after`, async (t) => {
  const clock = { ms: 0 };
  const bans = new BanList({ durationMs: HOUR }, { now: () => clock.ms });
  for (let i = 0; i < DISCOURAGE_AFTER_BANS - 1; i++) {
    bans.ban(`nat-${i}`, 'bad-signature', '192.0.2.1');
    clock.ms += 1000;
  }
  bans.ban('elsewhere', 'bad-pow', '198.51.100.9');
  bans.ban('no-address', 'bad-pow');
  t.notOk(
    bans.isDiscouraged('192.0.2.1'),
    `${DISCOURAGE_AFTER_BANS - 1} bans behind one address: a NAT may hide honest peers too`,
  );
  t.same(bans.discouraged(), []);
  bans.ban('nat-last', 'bad-signature', '192.0.2.1');
  t.ok(bans.isDiscouraged('192.0.2.1'), `${DISCOURAGE_AFTER_BANS} bans: discouraged`);
  t.notOk(bans.isDiscouraged('198.51.100.9'), 'another address is not');
  t.same(
    bans.discouraged(),
    [{ address: '192.0.2.1', bans: DISCOURAGE_AFTER_BANS, until: HOUR }],
    'until the first of them lapses',
  );
  clock.ms = HOUR;
  t.notOk(bans.isDiscouraged('192.0.2.1'), 'the first ban lapsed: no longer discouraged');
  t.same(bans.discouraged(), []);
});

test('discouragement is kept across a restart, since the bans behind it are', async (t) => {
  const store = memoryStore();
  const clock = { ms: 0 };
  const first = new BanList({ durationMs: HOUR }, { now: () => clock.ms, store });
  for (let i = 0; i < DISCOURAGE_AFTER_BANS; i++) first.ban(`p${i}`, 'bad-signature', '203.0.113.5');
  const restarted = new BanList({ durationMs: HOUR }, { now: () => clock.ms, store });
  t.ok(restarted.isDiscouraged('203.0.113.5'));
});

test('a discouraged address is let in only while fewer than half of the slots are in use', async (t) => {
  t.ok(roomForDiscouraged(0, 50));
  t.ok(roomForDiscouraged(24, 50));
  t.notOk(roomForDiscouraged(25, 50));
  t.notOk(roomForDiscouraged(1, 2));
  t.ok(roomForDiscouraged(0, 1));
  t.notOk(roomForDiscouraged(1, 1));
});

test('the ban list holds at most maxBans: a new ban drops the one that ends soonest, from the store too', async (t) => {
  const clock = { ms: 0 };
  const store = memoryStore();
  const bans = new BanList({ durationMs: HOUR, maxBans: 3 }, { now: () => clock.ms, store });
  for (const peer of ['a', 'b', 'c', 'd']) {
    bans.ban(peer, 'bad-pow', '10.0.0.1');
    clock.ms += 1;
  }
  t.same(
    bans.list().map((b) => b.peer),
    ['b', 'c', 'd'],
  );
  t.same([...store.records.keys()], ['b', 'c', 'd']);
  t.notOk(bans.isBanned('a'));
});

test('the IP address of a multiaddr, v4 or v6; none for a name', async (t) => {
  t.equal(
    ipOf(multiaddr('/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGRUVh8K4pvNBtmrhVg5WhHwEUJ1ELnT7aYGfG9S3hvKi')),
    '127.0.0.1',
  );
  t.equal(ipOf(multiaddr('/ip6/::1/tcp/4001')), '::1');
  t.equal(ipOf(multiaddr('/dns4/example.org/tcp/4001')), null);
});
