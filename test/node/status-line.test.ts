import { test } from 'tap';
import { formatMining, formatStatusLine, type NodeSummary } from '../../src/node/status-line.js';

const BASE: NodeSummary = {
  height: 12,
  mining: true,
  hashRate: 152.34,
  pacedForS: null,
  peers: 1,
  mempool: 4,
  lastBlockAgeS: 3,
  sync: null,
  stratum: null,
};

test('hash-rate-while-hashing: the status line shows the rate while hashing, and when a paced miner mines again', async (t) => {
  t.equal(formatStatusLine(BASE), 'height 12 · 152 H/s · 1 peer · mempool 4 · last block 3 s ago');
  t.equal(
    formatStatusLine({ ...BASE, pacedForS: 6.2, peers: 0 }),
    'height 12 · 152 H/s (paced: mining again in 7 s) · 0 peers · mempool 4 · last block 3 s ago',
  );
  t.equal(
    formatStatusLine({ ...BASE, mining: false, hashRate: 0 }),
    'height 12 · not mining · 1 peer · mempool 4 · last block 3 s ago',
  );
});

test('the status line shows sync progress with its ETA', async (t) => {
  const sync = { syncing: true, height: 40, target: 100, rate: 2, etaS: 29.5 };
  t.equal(
    formatStatusLine({ ...BASE, sync }),
    'height 12 · 152 H/s · 1 peer · mempool 4 · last block 3 s ago · syncing 40/100, ETA 30 s',
  );
  t.match(formatStatusLine({ ...BASE, sync: { ...sync, etaS: null } }), / · syncing 40\/100$/);
});

test('hash rates scale to kH/s, MH/s and GH/s', async (t) => {
  t.equal(formatMining({ mining: true, hashRate: 12.25, pacedForS: null }), '12.3 H/s');
  t.equal(formatMining({ mining: true, hashRate: 1530.5, pacedForS: null }), '1.5 kH/s');
  t.equal(
    formatMining({ mining: true, hashRate: 2.5e6, pacedForS: 0 }),
    '2.5 MH/s (paced: mining again in 0 s)',
  );
  t.equal(formatMining({ mining: true, hashRate: 7e12, pacedForS: null }), '7000 GH/s');
});

test('the status line shows the Stratum workers and their summed hash rate', async (t) => {
  t.equal(
    formatStatusLine({ ...BASE, stratum: { workers: 1, hashRate: 812 } }),
    'height 12 · 152 H/s · stratum 1 worker, 812 H/s · 1 peer · mempool 4 · last block 3 s ago',
  );
  t.match(
    formatStatusLine({ ...BASE, stratum: { workers: 4, hashRate: 4100 } }),
    / · stratum 4 workers, 4\.1 kH\/s · /,
  );
});

test("the status line shows a validator's slots won and endorsements included", async (t) => {
  t.equal(
    formatStatusLine({ ...BASE, validator: { slotsWon: 7, endorsementsIncluded: 5 } }),
    'height 12 · 152 H/s · validator 7 slots won, 5 included · 1 peer · mempool 4 · last block 3 s ago',
  );
});
