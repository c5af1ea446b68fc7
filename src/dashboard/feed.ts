// The live feed: GET /events from the tip on (no replay), so key blocks,
// microblocks and activations appear as the node connects them. The browser's
// EventSource reconnects by itself with the last block id (Last-Event-ID), and
// the node replays what was missed; a stream the node refuses (503: all
// --api-max-streams taken) is retried every FEED_RETRY_MS while /status polling
// keeps the headline current.
import type { BlockRef } from './api.js';
import { byId, el, prependFeed } from './dom.js';
import { groupDigits, shortId } from './format.js';

/** Items kept in each feed list. */
export const MAX_FEED_ITEMS = 50;
/** Wait before opening a new stream after the node closed or refused one. */
export const FEED_RETRY_MS = 10_000;

const TYPES = ['block_connected', 'block_disconnected', 'reorg', 'activation', 'candidate'] as const;

interface BlockEvent extends BlockRef {
  readonly height: number;
}

interface ActivationEvent {
  readonly id: string;
  readonly height: number;
  readonly mode: string;
  readonly endorsers: readonly unknown[] | null;
}

export interface FeedHandlers {
  /** A block joined the best chain: the page's tip is now it. */
  readonly onTip: (block: BlockEvent) => void;
  /** A key block connected: supply, validators and charts have moved. */
  readonly onKeyBlock: () => void;
}

/** The local time of arrival, 24-hour "21:37:52". */
function clock(): string {
  return new Date().toLocaleTimeString([], { hour12: false });
}

function blockItem(block: BlockEvent, note = ''): HTMLLIElement {
  const label =
    block.kind === 'key'
      ? `#${groupDigits(String(block.keyHeight))}`
      : `#${block.keyHeight}.${block.seq ?? 0}`;
  return el(
    'li',
    { 'data-id': block.id },
    el('span', { text: label }),
    el('a', { href: `/blocks/${block.id}`, title: block.id, text: shortId(block.id) }),
    el('span', { text: note === '' ? clock() : note }),
  );
}

function setState(text: string, live: boolean): void {
  const state = byId('feed-state');
  state.textContent = text;
  state.classList.toggle('live', live);
  state.classList.toggle('down', !live);
}

/** Opens the stream at key height `from` (replaying from there), or at the tip when undefined. */
export function openFeed(from: number | undefined, handlers: FeedHandlers): void {
  const keyBlocks = byId('key-blocks');
  const microblocks = byId('microblocks');
  const activations = byId('activations');
  const since = from === undefined ? '' : `&from=${from}`;
  const source = new EventSource(`/events?types=${TYPES.join(',')}${since}`);
  const parse = (event: Event): unknown => JSON.parse((event as MessageEvent<string>).data);

  source.addEventListener('open', () => {
    setState('live', true);
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      setState(`disconnected: retrying in ${FEED_RETRY_MS / 1000} s`, false);
      setTimeout(() => {
        openFeed(undefined, handlers);
      }, FEED_RETRY_MS);
    } else {
      setState('reconnecting…', false);
    }
  });
  source.addEventListener('block_connected', (event) => {
    const block = parse(event) as BlockEvent;
    const list = block.kind === 'key' ? keyBlocks : microblocks;
    // A block told again (a retried stream, a candidate that connected) replaces its old line.
    list.querySelector(`li[data-id="${block.id}"]`)?.remove();
    prependFeed(list, blockItem(block), MAX_FEED_ITEMS);
    handlers.onTip(block);
    if (block.kind === 'key') handlers.onKeyBlock();
  });
  source.addEventListener('block_disconnected', (event) => {
    const block = parse(event) as BlockEvent;
    const list = block.kind === 'key' ? keyBlocks : microblocks;
    list.querySelectorAll<HTMLLIElement>(`li[data-id="${block.id}"]`).forEach((item) => {
      item.classList.add('gone');
    });
  });
  source.addEventListener('candidate', (event) => {
    const c = parse(event) as { id: string; height: number };
    const block: BlockEvent = { id: c.id, kind: 'key', keyHeight: c.height, seq: null, height: c.height };
    prependFeed(keyBlocks, blockItem(block, 'candidate: waits for endorsements'), MAX_FEED_ITEMS);
  });
  source.addEventListener('reorg', (event) => {
    const r = parse(event) as { disconnected: number; connected: number; height: number };
    prependFeed(
      keyBlocks,
      el(
        'li',
        {},
        el('span', { text: `reorg at #${r.height}: −${r.disconnected} +${r.connected} blocks` }),
        el('span', { text: clock() }),
      ),
      MAX_FEED_ITEMS,
    );
  });
  source.addEventListener('activation', (event) => {
    const a = parse(event) as ActivationEvent;
    const who = a.endorsers === null ? '' : `, ${a.endorsers.length} endorsers`;
    prependFeed(
      activations,
      el(
        'li',
        {},
        el('span', { text: `#${groupDigits(String(a.height))} ${a.mode}${who}` }),
        el('a', { href: `/blocks/${a.id}`, title: a.id, text: shortId(a.id) }),
        el('span', { text: clock() }),
      ),
      MAX_FEED_ITEMS,
    );
  });
}
