// Snapshots are immutable, so the latest one per dashboard can be kept parsed: the next ingest diffs
// against it without reading and decoding up to MAX_ROWS of jsonb again.
import type { SnapshotData } from "../core/types.js";

export interface SnapshotCache {
  get(id: string): SnapshotData | undefined;
  set(id: string, data: SnapshotData): void;
}

/** Least recently used first out, bounded by the total number of rows held. */
export function createSnapshotCache(maxRows = 1_000_000): SnapshotCache {
  const entries = new Map<string, SnapshotData>();
  let rows = 0;
  return {
    get(id) {
      const hit = entries.get(id);
      if (hit) {
        entries.delete(id);
        entries.set(id, hit);
      }
      return hit;
    },
    set(id, data) {
      if (entries.has(id) || data.rows.length > maxRows) return;
      entries.set(id, data);
      rows += data.rows.length;
      for (const [oldId, old] of entries) {
        if (rows <= maxRows) break;
        entries.delete(oldId);
        rows -= old.rows.length;
      }
    },
  };
}
