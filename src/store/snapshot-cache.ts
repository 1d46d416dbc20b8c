// Snapshots are immutable, so the latest one per dashboard can be kept parsed: the next ingest diffs
// against it without reading and decoding up to MAX_ROWS of JSON again.
import type { SnapshotData } from "../core/types.js";

export interface CachedSnapshot {
  data: SnapshotData;
  takenAt: Date;
  /** The rows' JSON text length: what the cache is bounded by. */
  bytes: number;
}

export interface SnapshotCache {
  get(id: string): CachedSnapshot | undefined;
  set(id: string, entry: CachedSnapshot): void;
  /** A snapshot that is no longer its dashboard's latest: no diff will read it again. */
  delete(id: string): void;
  /** Bytes held, for tests and metrics. */
  readonly bytes: number;
}

/**
 * Least recently used first out, bounded by the total JSON size of the rows held (SNAPSHOT_CACHE_BYTES):
 * a row count bound let 42 one-row 5 MiB snapshots hold 225 MB. A snapshot larger than the whole bound
 * is not kept; 0 keeps nothing.
 */
export function createSnapshotCache(maxBytes: number): SnapshotCache {
  const entries = new Map<string, CachedSnapshot>();
  let bytes = 0;
  return {
    get(id) {
      const hit = entries.get(id);
      if (hit) {
        entries.delete(id);
        entries.set(id, hit);
      }
      return hit;
    },
    set(id, entry) {
      if (entries.has(id) || entry.bytes > maxBytes) return;
      entries.set(id, entry);
      bytes += entry.bytes;
      for (const [oldId, old] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldId);
        bytes -= old.bytes;
      }
    },
    delete(id) {
      const old = entries.get(id);
      if (!old) return;
      entries.delete(id);
      bytes -= old.bytes;
    },
    get bytes() {
      return bytes;
    },
  };
}
