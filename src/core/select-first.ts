// Partial sort: the first k items of an order without sorting the rest.

function siftDown<T>(heap: T[], start: number, compare: (x: T, y: T) => number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) return;
    const right = left + 1;
    const worst = right < heap.length && compare(heap[right]!, heap[left]!) > 0 ? right : left;
    if (compare(heap[worst]!, heap[i]!) <= 0) return;
    [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
    i = worst;
  }
}

function siftUp<T>(heap: T[], start: number, compare: (x: T, y: T) => number): void {
  let i = start;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (compare(heap[i]!, heap[parent]!) <= 0) return;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

/**
 * The first `k` items of `items` under `compare`, in order: O(n log k) against O(n log n) for a full sort.
 * A heap keeps the worst kept item on top, so most items cost one comparison. `compare` must be total for
 * the result to be deterministic.
 */
export function selectFirst<T>(items: readonly T[], k: number, compare: (x: T, y: T) => number): T[] {
  if (k <= 0) return [];
  if (items.length <= k) return items.slice().sort(compare);
  const heap: T[] = [];
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      siftUp(heap, heap.length - 1, compare);
    } else if (compare(item, heap[0]!) < 0) {
      heap[0] = item;
      siftDown(heap, 0, compare);
    }
  }
  return heap.sort(compare);
}
