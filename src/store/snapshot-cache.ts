// Snapshots are immutable, so some can be kept parsed: the next ingest diffs against its dashboard's
// latest without reading and decoding up to MAX_ROWS of JSON again, and a baseline that many ingests
// share (a subscription's last notified snapshot) is read once.
import type { SnapshotData } from "../core/types.js";
import { createWeightedLru } from "./weighted-lru.js";

export interface CachedSnapshot {
  data: SnapshotData;
  takenAt: Date;
  /** The rows' JSON text length: what the cache is bounded by. */
  bytes: number;
}

export interface SnapshotCache {
  get(id: string): CachedSnapshot | undefined;
  /**
   * `id` is now `dashboardId`'s latest snapshot. The latest it replaces is let go unless it was also kept
   * as a baseline: keeping every replaced latest filled the cache with one dashboard's history (a 16 MiB
   * bound held ~350 parsed 1 000-row snapshots, ~60 MB of heap) that no diff would read again.
   */
  setLatest(dashboardId: string, id: string, entry: CachedSnapshot): void;
  /** A snapshot read for its rows as a baseline (or by a backtest): kept while there is room. */
  keep(id: string, entry: CachedSnapshot): void;
  /** Bytes held, for tests and metrics. */
  readonly bytes: number;
}

interface Held {
  entry: CachedSnapshot;
  /** Read as a baseline: outlives its time as a dashboard's latest. */
  kept: boolean;
  /** Set when it came in as its dashboard's latest. */
  dashboardId: string | null;
}

/**
 * Least recently used first out, bounded by the total JSON size of the rows held (SNAPSHOT_CACHE_BYTES):
 * a row count bound let 42 one-row 5 MiB snapshots hold 225 MB. A snapshot larger than the whole bound
 * is not kept; 0 keeps nothing.
 */
export function createSnapshotCache(maxBytes: number): SnapshotCache {
  const latestOf = new Map<string, string>();
  // The dashboard's latest no longer held: nothing to let go when it is replaced, so forget it too.
  const held = createWeightedLru<string, Held>(maxBytes, (id, old) => {
    if (old.dashboardId !== null && latestOf.get(old.dashboardId) === id) latestOf.delete(old.dashboardId);
  });
  const add = (id: string, entry: CachedSnapshot, kept: boolean, dashboardId: string | null) => {
    const known = held.peek(id);
    if (known) {
      known.kept ||= kept;
      known.dashboardId ??= dashboardId;
      return;
    }
    held.set(id, { entry, kept, dashboardId }, entry.bytes);
  };

  return {
    get: (id) => held.get(id)?.entry,
    setLatest(dashboardId, id, entry) {
      const replaced = latestOf.get(dashboardId);
      latestOf.set(dashboardId, id);
      if (replaced !== undefined && replaced !== id && held.peek(replaced)?.kept !== true) held.delete(replaced);
      add(id, entry, false, dashboardId);
      // Not held (larger than the bound): no latest to track for this dashboard.
      if (held.peek(id) === undefined) latestOf.delete(dashboardId);
    },
    keep(id, entry) {
      add(id, entry, true, null);
    },
    get bytes() {
      return held.weight;
    },
  };
}
