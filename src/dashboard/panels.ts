// One function per panel: each takes the route's answer and fills its card,
// or says why there is nothing (P2P off, Stratum off, no plays yet, the route
// missing on an older node), so one absent route never blanks the page.
import type { Answer, Charts, Peers, Status, StratumWorkers, Supply, Validators } from './api.js';
import { byId, el, offNote, setText, table } from './dom.js';
import {
  formatAge,
  formatAltoExact,
  formatAltoShort,
  formatBytes,
  formatFeeRate,
  formatHashRate,
  groupDigits,
  percentOf,
  shortId,
} from './format.js';

/** Rows the validator and peer tables show; the rest is counted in a line below. */
export const MAX_TABLE_ROWS = 20;
/** Songs asked of GET /charts. */
export const TOP_SONGS = 10;

function fill(id: string, ...children: Node[]): void {
  byId(id).replaceChildren(...children);
}

const refused = (answer: { status: number; message: string }): string =>
  answer.status === 404 ? answer.message : `unavailable: ${answer.message}`;

function amount(units: string, decimals = 2): HTMLSpanElement {
  const value = BigInt(units);
  return el('span', { title: formatAltoExact(value), text: formatAltoShort(value, decimals) });
}

function more(shown: number, total: number, what: string): Node[] {
  return total > shown ? [offNote(`… and ${total - shown} more ${what}`)] : [];
}

export function renderStatus(status: Status): void {
  setText('network', status.network);
  setText('height', groupDigits(String(status.height)));
  const tip = byId('tip', HTMLAnchorElement);
  tip.textContent = shortId(status.tip.id);
  tip.title = status.tip.id;
  tip.href = `/blocks/${status.tip.id}`;
  setText('last-block', `${formatAge(status.lastBlockAgeS)} ago`);
  setText('sync', status.sync.syncing ? `syncing ${status.sync.height} / ${status.sync.target}` : 'in sync');
  setText('mempool-count', groupDigits(String(status.mempool.count)));
  setText('mempool-bytes', formatBytes(status.mempool.bytes));
  setText('mempool-fee', formatFeeRate(BigInt(status.mempool.minFeeRate)));
  setText('miner-rate', status.mining ? formatHashRate(status.hashRate) : 'off');
  setText('stratum-rate', status.stratum === null ? 'off' : formatHashRate(status.stratum.hashRate));
  const miner = !status.mining
    ? 'The built-in miner is off (the node runs with --no-mine).'
    : status.pacedForS !== null
      ? `The built-in miner is paced (--block-interval): it hashes again in ${Math.ceil(status.pacedForS)} s; the rate shown is while it hashes.`
      : 'The built-in miner is hashing.';
  const hashes = `${groupDigits(String(status.hashes))} hash${status.hashes === 1 ? '' : 'es'}`;
  setText('miner-note', `${miner} ${hashes} since the node started.`);
  document.title = `${groupDigits(String(status.height))} · Altostream ${status.network}`;
}

export function renderSupply(answer: Answer<Supply>): void {
  if (!answer.ok) {
    fill('supply', offNote(refused(answer)));
    return;
  }
  const s = answer.body;
  const minted = BigInt(s.minted);
  const cap = BigInt(s.cap);
  const bar = el('progress', {
    max: '10000',
    value: String(Number((minted * 10000n) / (cap > 0n ? cap : 1n))),
  });
  fill(
    'supply',
    el(
      'p',
      {},
      el('strong', {}, amount(s.minted, 0)),
      ` minted of the ${formatAltoShort(cap, 0)} cap (${percentOf(minted, cap).toFixed(2)}%)`,
    ),
    bar,
    el(
      'dl',
      { class: 'facts' },
      el('div', {}, el('dt', { text: 'Burned' }), el('dd', {}, amount(s.burned))),
      el('div', {}, el('dt', { text: 'Bonded stake' }), el('dd', {}, amount(s.bonded))),
      el('div', {}, el('dt', { text: 'Pending rewards' }), el('dd', {}, amount(s.pending.mint))),
      el('div', {}, el('dt', { text: 'Next key block mints' }), el('dd', {}, amount(s.schedule.next))),
      el(
        'div',
        {},
        el('dt', { text: 'Next halving' }),
        el('dd', {
          text:
            s.schedule.nextHalvingHeight === null
              ? 'none'
              : `height ${groupDigits(String(s.schedule.nextHalvingHeight))}`,
        }),
      ),
    ),
  );
}

export function renderValidators(answer: Answer<Validators>): void {
  if (!answer.ok) {
    fill('validators', offNote(refused(answer)));
    return;
  }
  const v = answer.body;
  // The minimum in force, as GET /validators answers it (not a NetworkParams starting value).
  const { minStake } = v;
  const summary = offNote(
    `Total weight ${formatAltoShort(BigInt(v.total))}; minimum stake ${formatAltoShort(BigInt(minStake))}; reward period ${v.period.start}–${v.period.end}. ` +
      (v.nextBootstraps
        ? 'The stake is below the bootstrap threshold: the next key block activates itself (bootstrap).'
        : 'The next key block waits for its validators’ endorsements.'),
  );
  if (v.validators.length === 0) {
    fill(
      'validators',
      summary,
      offNote('No validator has bonded stake yet (wallet stake --role validator).'),
    );
    return;
  }
  const rows = v.validators
    .slice(0, MAX_TABLE_ROWS)
    .map((b) => [
      el('span', { class: 'mono', title: b.address, text: shortId(b.address, 12, 6) }),
      amount(b.bonded),
      `${b.slotsIncluded} / ${b.slotsWon}`,
      String(b.lastEndorsed),
    ]);
  fill(
    'validators',
    summary,
    table(['Validator', 'Bonded', 'Endorsed / drawn', 'Last endorsed'], rows, [1, 2, 3]),
    ...more(rows.length, v.validators.length, 'validators'),
  );
}

export function renderSongs(answer: Answer<Charts>): void {
  if (!answer.ok) {
    fill('songs', offNote(refused(answer)));
    return;
  }
  const c = answer.body;
  setText('songs-period', `period ${c.period}, settles at height ${c.settlesAt}`);
  if (c.songs.length === 0) {
    fill('songs', offNote('No counted plays this period yet.'));
    return;
  }
  const rows = c.songs.map((s) => [
    String(s.rank),
    el('span', { title: s.id, text: s.title }),
    groupDigits(String(s.plays)),
    formatAge(s.seconds),
    amount(s.value, 4),
  ]);
  fill('songs', table(['#', 'Title', 'Plays', 'Listened', 'Value so far'], rows, [0, 2, 3, 4]));
}

export function renderPeers(answer: Answer<Peers>, status: Status | undefined): void {
  if (status !== undefined && status.peerId === null) {
    setText('peer-count', '');
    fill(
      'peers',
      offNote('P2P is off: this node runs alone (the devnet). Start it with --listen to join a network.'),
    );
    return;
  }
  if (!answer.ok) {
    fill('peers', offNote(refused(answer)));
    return;
  }
  const peers = answer.body.peers;
  setText('peer-count', `${peers.length} connected`);
  if (peers.length === 0) {
    fill('peers', offNote('No peer connected yet (see --bootstrap).'));
    return;
  }
  const rows = peers
    .slice(0, MAX_TABLE_ROWS)
    .map((p) => [
      el('span', { class: 'mono', title: p.id, text: shortId(p.id, 10, 6) }),
      p.direction,
      p.tipKeyHeight === null ? '–' : groupDigits(String(p.tipKeyHeight)),
      p.score.toFixed(1),
    ]);
  fill(
    'peers',
    table(['Peer', 'Direction', 'Tip height', 'Score'], rows, [2, 3]),
    ...more(rows.length, peers.length, 'peers'),
  );
}

export function renderStratumWorkers(answer: Answer<StratumWorkers>, nowMs: number): void {
  if (!answer.ok) {
    fill('stratum-workers', offNote(refused(answer)));
    return;
  }
  const workers = answer.body.workers;
  if (workers.length === 0) {
    fill('stratum-workers', offNote('The Stratum server is on; no worker has connected yet.'));
    return;
  }
  const rows = workers
    .slice(0, MAX_TABLE_ROWS)
    .map((w) => [
      el('span', { class: 'mono', text: w.worker }),
      String(w.connections),
      groupDigits(String(w.accepted)),
      formatHashRate(w.hashRate),
      w.lastShareMs === null ? '–' : `${formatAge((nowMs - w.lastShareMs) / 1000)} ago`,
    ]);
  fill(
    'stratum-workers',
    table(['Stratum worker', 'Connections', 'Accepted shares', 'Hash rate', 'Last share'], rows, [1, 2, 3]),
    ...more(rows.length, workers.length, 'workers'),
  );
}
