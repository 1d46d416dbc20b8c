// Seq ranges whose broker publish failed, per dashboard, to publish again from the log once the broker is
// back: other nodes' sessions learn of them that way even if they never noticed the outage. Ranges, not
// entries, so memory stays small; and at most `maxDashboards` of them, oldest forgotten first (those
// nodes still catch their sessions up from the log on their own "up").
import type { LogEntry } from "../protocol/event.js";

export interface UnpublishedRange {
  dashboardId: string;
  from: number;
  to: number;
}

export interface Unpublished {
  note(entries: LogEntry[]): void;
  noteRange(range: UnpublishedRange): void;
  /** Hands over everything noted so far and forgets it. */
  take(): UnpublishedRange[];
  readonly size: number;
}

export function createUnpublished(maxDashboards: number, onForget?: (range: UnpublishedRange) => void): Unpublished {
  const ranges = new Map<string, UnpublishedRange>();

  function noteRange(r: UnpublishedRange) {
    const kept = ranges.get(r.dashboardId);
    if (kept) {
      kept.from = Math.min(kept.from, r.from);
      kept.to = Math.max(kept.to, r.to);
      return;
    }
    ranges.set(r.dashboardId, { ...r });
    if (ranges.size > maxDashboards) {
      const [oldest] = ranges.values();
      if (oldest) {
        ranges.delete(oldest.dashboardId);
        onForget?.(oldest);
      }
    }
  }

  return {
    note(entries) {
      for (const e of entries) noteRange({ dashboardId: e.event.dashboard_id, from: e.event.seq, to: e.event.seq });
    },
    noteRange,
    take() {
      const all = [...ranges.values()];
      ranges.clear();
      return all;
    },
    get size() {
      return ranges.size;
    },
  };
}
