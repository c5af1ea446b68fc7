// A few DOM helpers: elements are built with textContent, never innerHTML, so
// nothing the node returns (a song title, a worker name) can become markup.

export function byId(id: string): HTMLElement;
export function byId<T extends HTMLElement>(id: string, type: new () => T): T;
/** The page's element `id`, checked to be a `type` when one is given. */
export function byId(id: string, type: new () => HTMLElement = HTMLElement): HTMLElement {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`the page has no ${type.name} #${id}: index.html and the script disagree`);
  }
  return element;
}

type Child = Node | string;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') element.textContent = value;
    else element.setAttribute(key, value);
  }
  element.append(...children);
  return element;
}

export function setText(id: string, text: string, title?: string): void {
  const element = byId(id);
  element.textContent = text;
  if (title !== undefined) element.title = title;
}

/** A table of rows; `numeric` names the columns written right-aligned in tabular figures. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  numeric: readonly number[] = [],
): HTMLTableElement {
  const cls = (i: number): Record<string, string> => (numeric.includes(i) ? { class: 'num' } : {});
  return el(
    'table',
    { class: 'table' },
    el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', { ...cls(i), text: h })))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell, i) => el('td', cls(i), cell))))),
  );
}

/** What a panel shows when its route answers nothing to show: a muted line with the node's reason. */
export function offNote(text: string): HTMLParagraphElement {
  return el('p', { class: 'off', text });
}

/** Prepends an item to a feed list, dropping the placeholder and anything past `max`. */
export function prependFeed(list: HTMLElement, item: HTMLLIElement, max: number): void {
  list.querySelector('li.empty')?.remove();
  item.classList.add('fresh');
  list.prepend(item);
  while (list.children.length > max) list.lastElementChild?.remove();
}
