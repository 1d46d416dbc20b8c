// Rank moves of the ids that matter: those within top N on either side.
import { rankOfId, type Ranking } from "./rank.js";
import type { TopNChange } from "./types.js";

function compareRanks(x: number | null, y: number | null): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x - y;
}

/** Contract order: `to_rank` ascending, then `from_rank`, nulls last. No two entries tie on both. */
export function compareTopNChanges(x: TopNChange, y: TopNChange): number {
  return compareRanks(x.to_rank, y.to_rank) || compareRanks(x.from_rank, y.from_rank);
}

/**
 * An id qualifies by being within top N on at least one side, but its ranks are its full ranks in each
 * snapshot: one that drops from 3 to 15 with top N 10 reads `{from_rank: 3, to_rank: 15}`, so a reader sees
 * how far it fell. `null` is kept for "absent from that snapshot", as the contract words it.
 */
export function computeTopNChanges(a: Ranking, b: Ranking, topN: number): TopNChange[] {
  const changes: TopNChange[] = [];
  const aTop = Math.min(topN, a.ids.length);
  const bTop = Math.min(topN, b.ids.length);
  for (let i = 0; i < aTop; i++) {
    const id = a.ids[i]!;
    const j = rankOfId(b, id);
    if (j === i) continue;
    changes.push({ id, from_rank: i + 1, to_rank: j === -1 ? null : j + 1 });
  }
  for (let j = 0; j < bTop; j++) {
    const id = b.ids[j]!;
    const i = rankOfId(a, id);
    // Ids that were within top N in `a` were handled above, moved or not.
    if (i !== -1 && i < topN) continue;
    changes.push({ id, from_rank: i === -1 ? null : i + 1, to_rank: j + 1 });
  }
  return changes.sort(compareTopNChanges);
}
