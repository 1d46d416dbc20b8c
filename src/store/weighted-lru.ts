// The one eviction rule of a node's caches: least recently used out first, bounded by a total weight
// (bytes of JSON, count of subscriptions) rather than a count of entries. A Map keeps insertion order, so
// a used entry is inserted again and the first keys are the oldest.

export interface WeightedLru<K, V> {
  /** The value, now the most recently used. */
  get(key: K): V | undefined;
  /** The value, its place unchanged. */
  peek(key: K): V | undefined;
  /** Replaces any value under `key`; one heavier than the whole bound is not kept. Evicts the oldest past it. */
  set(key: K, value: V, weight: number): void;
  delete(key: K): void;
  /** Total weight held. */
  readonly weight: number;
}

/** `onRemove` hears of every value that leaves, evicted, deleted or replaced. */
export function createWeightedLru<K, V>(maxWeight: number, onRemove?: (key: K, value: V) => void): WeightedLru<K, V> {
  const entries = new Map<K, { value: V; weight: number }>();
  let total = 0;
  const remove = (key: K) => {
    const old = entries.get(key);
    if (!old) return;
    entries.delete(key);
    total -= old.weight;
    onRemove?.(key, old.value);
  };
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      entries.delete(key);
      entries.set(key, hit);
      return hit.value;
    },
    peek: (key) => entries.get(key)?.value,
    set(key, value, weight) {
      remove(key);
      if (weight > maxWeight) return;
      entries.set(key, { value, weight });
      total += weight;
      // The entry just set is the newest and within the bound alone, so the walk stops before it.
      for (const oldest of entries.keys()) {
        if (total <= maxWeight) break;
        remove(oldest);
      }
    },
    delete: remove,
    get weight() {
      return total;
    },
  };
}
