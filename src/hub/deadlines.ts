// Deadlines for many sessions on one timer: each item has at most one deadline, and a single timer waits
// for the earliest. A Timeout and a closure per connection would be a good part of what an idle
// connection costs, and most tokens outlive their connections anyway.

export interface Deadlines<T> {
  /** Sets (or moves) the item's deadline, in ms on the clock given. */
  set(item: T, at: number): void;
  delete(item: T): void;
  readonly size: number;
  close(): void;
}

/** setTimeout takes at most 2^31 - 1 ms; a later deadline is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function createDeadlines<T>(now: () => number, onDue: (item: T) => void): Deadlines<T> {
  const current = new Map<T, number>();
  // A binary min-heap on `at`. Moved and deleted items leave stale entries, skipped when they surface
  // and swept when they outnumber the live ones.
  let heap: { at: number; item: T }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let armedAt = Infinity;

  const less = (i: number, j: number) => heap[i]!.at < heap[j]!.at;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);

  function push(entry: { at: number; item: T }) {
    heap.push(entry);
    for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  }

  function pop() {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
    return top;
  }

  function sweep() {
    const live = heap.filter((e) => current.get(e.item) === e.at);
    heap = [];
    for (const e of live) push(e);
  }

  function arm() {
    while (heap.length > 0 && current.get(heap[0]!.item) !== heap[0]!.at) pop();
    const next = heap[0]?.at ?? Infinity;
    if (next === armedAt) return;
    clearTimeout(timer);
    timer = undefined;
    armedAt = next;
    if (next === Infinity) return;
    timer = setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, next - now())));
    timer.unref();
  }

  function fire() {
    timer = undefined;
    armedAt = Infinity;
    const t = now();
    while (heap.length > 0 && heap[0]!.at <= t) {
      const { at, item } = pop()!;
      if (current.get(item) !== at) continue;
      current.delete(item);
      onDue(item);
    }
    arm();
  }

  return {
    set(item, at) {
      current.set(item, at);
      push({ at, item });
      if (heap.length > 64 && heap.length > 2 * current.size) sweep();
      arm();
    },
    delete(item) {
      if (current.delete(item)) arm();
    },
    get size() {
      return current.size;
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      armedAt = Infinity;
      current.clear();
      heap = [];
    },
  };
}
