// A diff in words, for people reading an email. Pure: the diff and the dashboard's top_n in, lines out.
import type { Diff, RowId, RowValueDelta, TopNChange } from "../core/types.js";

// An email is read, not parsed: a handful of examples per kind says more than a hundred.
const SHOWN = 10;

export function describeDiff(diff: Diff | null, topN: number): string[] {
  if (diff === null) return ["This is the dashboard's first snapshot: there is nothing to compare it with."];
  const lines = [
    ...describeTopN(diff.top_n_changes, diff.counts.top_n_changes, topN),
    ...describeValues(diff.row_value_deltas, diff.counts.row_value_deltas),
    ...describeSet("added", diff.id_set_added, diff.counts.id_set_added),
    ...describeSet("removed", diff.id_set_removed, diff.counts.id_set_removed),
    ...describeMetric(diff.primary_metric_delta_pct),
  ];
  return lines.length > 0 ? lines : ["Nothing changed."];
}

const rows = (n: number) => (n === 1 ? "1 row" : `${n} rows`);
const id = (v: RowId) => String(v);

function list<T>(items: readonly T[], total: number, show: (item: T) => string): string {
  const shown = items.slice(0, SHOWN).map(show).join(", ");
  const more = Math.max(total, items.length) - Math.min(items.length, SHOWN);
  return more > 0 ? `${shown} and ${more} more` : shown;
}

function describeTopN(changes: readonly TopNChange[], total: number, topN: number): string[] {
  const inTop = (rank: number | null): rank is number => rank !== null && rank <= topN;
  const entered = changes.filter((c) => inTop(c.to_rank) && !inTop(c.from_rank));
  const left = changes.filter((c) => inTop(c.from_rank) && !inTop(c.to_rank));
  const moved = changes.filter((c) => inTop(c.from_rank) && inTop(c.to_rank));
  const top = `the top ${topN}`;
  const lines: string[] = [];
  if (entered.length > 0) {
    lines.push(`${rows(entered.length)} entered ${top}: ${list(entered, entered.length, (c) => `${id(c.id)} (#${c.to_rank})`)}`);
  }
  if (left.length > 0) {
    lines.push(`${rows(left.length)} left ${top}: ${list(left, left.length, (c) => `${id(c.id)} (was #${c.from_rank})`)}`);
  }
  if (moved.length > 0) {
    lines.push(`${rows(moved.length)} moved within ${top}: ${list(moved, moved.length, (c) => `${id(c.id)} #${c.from_rank} → #${c.to_rank}`)}`);
  }
  const unlisted = total - changes.length;
  if (unlisted > 0) lines.push(`${rows(unlisted)} more changed rank (not listed).`);
  return lines;
}

function describeValues(deltas: readonly RowValueDelta[], total: number): string[] {
  if (deltas.length === 0) return [];
  const lines = deltas.slice(0, SHOWN).map(describeDelta);
  const more = Math.max(total, deltas.length) - lines.length;
  if (more > 0) lines.push(`${more} more value ${more === 1 ? "change" : "changes"}.`);
  return lines;
}

function describeDelta(d: RowValueDelta): string {
  const direction = d.delta > 0 ? "rose" : "fell";
  const change = d.delta_pct === null ? `from ${num(d.from)} to ${num(d.to)}` : `${pct(d.delta_pct)} (${num(d.from)} → ${num(d.to)})`;
  return `${d.field} of row ${id(d.id)} ${direction} ${change}`;
}

function describeSet(kind: "added" | "removed", ids: readonly RowId[], total: number): string[] {
  if (ids.length === 0) return [];
  const count = Math.max(total, ids.length);
  return [`${rows(count)} ${kind}: ${list(ids, count, id)}`];
}

function describeMetric(deltaPct: number | null): string[] {
  if (deltaPct === null || deltaPct === 0) return [];
  return [`The primary metric ${deltaPct > 0 ? "rose" : "fell"} ${pct(deltaPct)}.`];
}

/** Fractions as percent with at most one decimal: 0.25 → "25 %", -0.125 → "12.5 %" (direction is said in words). */
export function pct(fraction: number): string {
  const tenths = Math.round(Math.abs(fraction) * 1000);
  // "rose 0 %" would read as no change at all.
  return tenths === 0 && fraction !== 0 ? "< 0.1 %" : `${num(tenths / 10)} %`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}
