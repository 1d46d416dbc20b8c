// The leaves that read ranks: each looks at the first N ids of both sides (`top_ids`). N is at most the
// dashboard's top_n (validation, and the 409 on lowering top_n, keep it so), and `top_ids` holds top_n ids
// per side, so every slice here is complete.
import type { LeafOutcome } from "./rule-leaves.js";
import { idSet } from "./rule-ids.js";
import type { EntersTopNRule, FullDiff, LeavesTopNRule, RankMovedMinRule, RowId, TopNReorderingRule } from "./types.js";

/** Entry, exit or swap among the first N ranks; `value` is the first rank (1-based) whose id differs. */
export function topNReorderingLeaf(rule: TopNReorderingRule, diff: FullDiff): LeafOutcome {
  const n = rule.top_n_reordering;
  const from = diff.top_ids.from.slice(0, n);
  const to = diff.top_ids.to.slice(0, n);
  const longer = Math.max(from.length, to.length);
  let k = 0;
  while (k < longer && from[k] === to[k]) k++;
  const differs = k < longer;
  return { matched: differs, value: differs ? k + 1 : null, threshold: n, detail: { from, to } };
}

/** Ids within the first `n` of `side` that are not within the first `n` of `other`, in `side`'s rank order. */
function crossing(side: readonly RowId[], other: readonly RowId[], n: number, ids: readonly RowId[] | undefined): RowId[] {
  const there = new Set(other.slice(0, n));
  const watched = ids === undefined ? null : idSet(ids);
  return side.slice(0, n).filter((id) => !there.has(id) && (watched === null || watched.has(id)));
}

export function entersTopNLeaf(rule: EntersTopNRule, diff: FullDiff): LeafOutcome {
  const entered = crossing(diff.top_ids.to, diff.top_ids.from, rule.enters_top_n, rule.ids);
  return { matched: entered.length > 0, value: entered.length, threshold: rule.enters_top_n, detail: { entered } };
}

export function leavesTopNLeaf(rule: LeavesTopNRule, diff: FullDiff): LeafOutcome {
  const left = crossing(diff.top_ids.from, diff.top_ids.to, rule.leaves_top_n, rule.ids);
  return { matched: left.length > 0, value: left.length, threshold: rule.leaves_top_n, detail: { left } };
}

/**
 * The largest move of an id ranked within N on either side. A rank outside the window (absent, or ranked
 * below N) counts as N + 1: the leaf watches the window, so an exit from rank 3 moves 8 ranks with N 10
 * whether the id fell to rank 11, to rank 500 or out of the snapshot. `value` is null when the window is
 * empty on both sides; the detail names the first id (in the new side's order) that moved the most.
 */
export function rankMovedMinLeaf(rule: RankMovedMinRule, diff: FullDiff): LeafOutcome {
  const n = rule.within_top_n;
  const from = diff.top_ids.from.slice(0, n);
  const to = diff.top_ids.to.slice(0, n);
  const fromRank = new Map<RowId, number>(from.map((id, k) => [id, k + 1]));
  const toRank = new Map<RowId, number>(to.map((id, k) => [id, k + 1]));
  const window = [...to, ...from.filter((id) => !toRank.has(id))];
  let largest: { id: RowId; from_rank: number | null; to_rank: number | null } | null = null;
  let value: number | null = null;
  for (const id of window) {
    const f = fromRank.get(id);
    const t = toRank.get(id);
    const moved = Math.abs((f ?? n + 1) - (t ?? n + 1));
    if (value === null || moved > value) {
      value = moved;
      largest = { id, from_rank: f ?? null, to_rank: t ?? null };
    }
  }
  return {
    matched: value !== null && value >= rule.rank_moved_min,
    value,
    threshold: rule.rank_moved_min,
    detail: { within_top_n: n, largest },
  };
}
