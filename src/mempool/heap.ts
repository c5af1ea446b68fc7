// A binary heap ordered by `before(a, b)` (true: a comes out first). With a
// slot, each item records its own position, so remove() and update() are
// O(log n) without a search; an item sits in at most one heap per slot.

export interface HeapSlot<T> {
  get(item: T): number;
  set(item: T, index: number): void;
}

/** The position of an item in no heap. */
export const NOT_IN_HEAP = -1;

export class Heap<T> {
  private readonly items: T[] = [];

  constructor(
    private readonly before: (a: T, b: T) => boolean,
    private readonly slot?: HeapSlot<T>,
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.place(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  has(item: T): boolean {
    return this.indexOf(item) !== NOT_IN_HEAP;
  }

  remove(item: T): void {
    const i = this.indexOf(item);
    if (i !== NOT_IN_HEAP) this.removeAt(i);
  }

  /** Restores the order after `item`'s key changed; pushes it if it is not in the heap. */
  update(item: T): void {
    const i = this.indexOf(item);
    if (i === NOT_IN_HEAP) {
      this.push(item);
      return;
    }
    this.down(this.up(i));
  }

  private indexOf(item: T): number {
    if (this.slot === undefined) throw new Error('this heap has no slot: it cannot find an item');
    const i = this.slot.get(item);
    return this.items[i] === item ? i : NOT_IN_HEAP;
  }

  private removeAt(i: number): void {
    const removed = this.items[i]!;
    const last = this.items.pop()!;
    this.slot?.set(removed, NOT_IN_HEAP);
    if (i === this.items.length) return;
    this.place(last, i);
    this.down(this.up(i));
  }

  private place(item: T, i: number): void {
    this.items[i] = item;
    this.slot?.set(item, i);
  }

  private up(i: number): number {
    const item = this.items[i]!;
    while (i > 0) {
      const parentAt = (i - 1) >> 1;
      const parent = this.items[parentAt]!;
      if (!this.before(item, parent)) break;
      this.place(parent, i);
      i = parentAt;
    }
    this.place(item, i);
    return i;
  }

  private down(i: number): void {
    const item = this.items[i]!;
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.before(this.items[right]!, this.items[left]!)) child = right;
      const next = this.items[child]!;
      if (!this.before(next, item)) break;
      this.place(next, i);
      i = child;
    }
    this.place(item, i);
  }
}
