// Where a live entry stands against what a feed has delivered on its dashboard. Pure.
import type { LogEntry } from "../protocol/event.js";

/**
 * - duplicate: at or below the last delivered seq: drop it.
 * - next: nothing can be missing before it: write it now.
 * - hole: something before it was not delivered: fill from the log first.
 * - unplaced: a persona channel meets this dashboard for the first time and the entry names a previous alert.
 */
export type Verdict = "duplicate" | "next" | "hole" | "unplaced";

/**
 * Dashboard channels are contiguous, so the next entry is last + 1. Persona channels carry only that
 * persona's alerts, each naming the previous one in `prev_seq`: the next entry is one whose predecessor
 * is already delivered (or is 0).
 */
export function classify(entry: LogEntry, last: number | undefined, persona: boolean): Verdict {
  const seq = entry.event.seq;
  const prev = entry.prev_seq ?? 0;
  if (last === undefined) return !persona || prev === 0 ? "next" : "unplaced";
  if (seq <= last) return "duplicate";
  if (!persona) return seq === last + 1 ? "next" : "hole";
  return prev <= last ? "next" : "hole";
}
