// What changed between two snapshots' rows, for the diff view: pure (no DOM), so node tests import it too.
// Ranks follow the CONTRACT's rule: by `rank_by` descending (rows without a finite number last, ties by id
// ascending, numbers before strings), or the order given; "moved" counts, like the hub's top_n_changes, only
// ids ranked within top_n in either snapshot.

/** Numbers before strings, each in natural order, as the hub compares row ids. */
export function compareIds(a, b) {
  if (typeof a === "number") return typeof b === "number" ? a - b : -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows in rank order (a new array; the input is left as it is). */
export function rankRows(rows, { id_field: idField = "id", rank_by: rankBy = null } = {}) {
  if (!rankBy) return rows.slice();
  const key = (row) => (typeof row[rankBy] === "number" && Number.isFinite(row[rankBy]) ? row[rankBy] : null);
  return rows.slice().sort((x, y) => {
    const kx = key(x);
    const ky = key(y);
    if (kx !== ky) {
      if (kx === null) return 1;
      if (ky === null) return -1;
      if (kx !== ky) return ky - kx;
    }
    return compareIds(x[idField], y[idField]);
  });
}

const same = (x, y) => x === y || JSON.stringify(x) === JSON.stringify(y);

/**
 * Every row of `b` in rank order, then the rows that left (in `a`'s order), each
 * `{id, status: "entered"|"left"|"moved"|"same", from_rank, to_rank, row, before, changed: [field]}`.
 * `changed` names the fields (not the id field) whose value differs between the two sides.
 */
export function diffRows(a, b, settings = {}) {
  const idField = settings.id_field ?? "id";
  const topN = settings.top_n ?? 10;
  const before = rankRows(a, settings);
  const after = rankRows(b, settings);
  const rankA = new Map(before.map((row, k) => [row[idField], { rank: k + 1, row }]));
  const inB = new Set(after.map((row) => row[idField]));
  const counts = { entered: 0, left: 0, moved: 0, changed: 0 };
  const out = after.map((row, k) => {
    const id = row[idField];
    const old = rankA.get(id);
    const toRank = k + 1;
    if (!old) {
      counts.entered++;
      return { id, status: "entered", from_rank: null, to_rank: toRank, row, before: null, changed: [] };
    }
    const fields = new Set([...Object.keys(old.row), ...Object.keys(row)]);
    fields.delete(idField);
    const changed = [...fields].filter((f) => !same(old.row[f], row[f]));
    if (changed.length) counts.changed++;
    const moved = old.rank !== toRank && (old.rank <= topN || toRank <= topN);
    if (moved) counts.moved++;
    return { id, status: moved ? "moved" : "same", from_rank: old.rank, to_rank: toRank, row, before: old.row, changed };
  });
  for (const [k, row] of before.entries()) {
    if (inB.has(row[idField])) continue;
    counts.left++;
    out.push({ id: row[idField], status: "left", from_rank: k + 1, to_rank: null, row: null, before: row, changed: [] });
  }
  return { rows: out, counts };
}
