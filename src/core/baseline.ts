// What a subscription's new snapshot is compared with (CONTRACT "Rules, version 2", `baseline`).
import { escapeToken, isObject } from "./rule-checks.js";
import type { RuleIssue } from "./types.js";

/**
 * `previous`: the snapshot before. `last_notified`: the snapshot of this subscription's last `alert.matched`
 * (the previous one before its first). `at_offset_ms`: the latest snapshot taken at or before the new one's
 * taken_at − d. Which snapshot that is, the store finds; the core judges against it.
 */
export type Baseline = "previous" | "last_notified" | { at_offset_ms: number };

export const DEFAULT_BASELINE: Baseline = "previous";

export type BaselineValidation = { ok: true; baseline: Baseline } | { ok: false; issues: RuleIssue[] };

/** 366 days: "the same time last year" fits; a longer look back is refused rather than silently never found. */
export const MAX_BASELINE_OFFSET_MS = 366 * 24 * 3600 * 1000;

const OFFSET = `must be an integer from 1 to ${MAX_BASELINE_OFFSET_MS} (milliseconds, 366 days)`;
const WANT = `must be "previous", "last_notified" or {"at_offset_ms": d}, d an integer from 1 to ${MAX_BASELINE_OFFSET_MS}`;

/** Absent or `null` is the default, `"previous"` (so a PATCH with `null` puts the default back). */
export function validateBaseline(input: unknown, pointer: string): BaselineValidation {
  if (input === undefined || input === null) return { ok: true, baseline: DEFAULT_BASELINE };
  if (input === "previous" || input === "last_notified") return { ok: true, baseline: input };
  if (!isObject(input)) return { ok: false, issues: [{ pointer, detail: WANT }] };
  const issues: RuleIssue[] = [];
  for (const key of Object.keys(input)) {
    if (key !== "at_offset_ms") issues.push({ pointer: `${pointer}/${escapeToken(key)}`, detail: "is not a member of a baseline" });
  }
  const d = input.at_offset_ms;
  const valid = typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= MAX_BASELINE_OFFSET_MS;
  if (!valid) issues.push({ pointer: `${pointer}/at_offset_ms`, detail: OFFSET });
  return valid && issues.length === 0 ? { ok: true, baseline: { at_offset_ms: d } } : { ok: false, issues };
}

/** The baseline's offset, or null for the two that name a snapshot by its place, not its time. */
export function baselineOffsetMs(baseline: Baseline): number | null {
  return typeof baseline === "object" ? baseline.at_offset_ms : null;
}

/** What the store (or a backtest over history) knows when it picks a subscription's baseline snapshot. */
export interface BaselineContext {
  /** The snapshot before the new one; null for a dashboard's first. */
  previousId: string | null;
  /** The snapshot of this subscription's last appended `alert.matched`; null before its first. */
  lastNotifiedId: string | null;
  /** The new snapshot's taken_at, ms since the epoch. */
  takenAtMs: number;
  /** The latest snapshot (other than the new one) taken at or before `ms`, or null. */
  latestAtOrBefore: (ms: number) => string | null;
}

/**
 * The id of the snapshot a subscription is judged against, null when it has none: one rule for ingest and
 * backtest alike. `at_offset_ms` is at least 1, so the new snapshot itself is never its own baseline.
 */
export function baselineSnapshotId(baseline: Baseline, ctx: BaselineContext): string | null {
  if (baseline === "previous") return ctx.previousId;
  if (baseline === "last_notified") return ctx.lastNotifiedId ?? ctx.previousId;
  return ctx.latestAtOrBefore(ctx.takenAtMs - baseline.at_offset_ms);
}
