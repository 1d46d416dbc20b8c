// One line saying what an event means: what changed (diff) and, for alerts, why the rule fired (trace).

const pct = (p) => (p === null || p === undefined ? "from 0" : `${p >= 0 ? "+" : ""}${(p * 100).toFixed(1)}%`);
const share = (t) => `${+(Number(t) * 100).toFixed(1)}%`;
const ids = (list, max = 3) => list.slice(0, max).join(", ") + (list.length > max ? ", …" : "");

export function summarizeDiff(diff) {
  if (!diff) return "baseline snapshot (nothing to compare)";
  const counts = diff.counts ?? {};
  const parts = [];
  if (counts.top_n_changes) {
    const [first] = diff.top_n_changes;
    parts.push(`${counts.top_n_changes} rank change${counts.top_n_changes > 1 ? "s" : ""} (${first.id}: ${first.from_rank ?? "–"}→${first.to_rank ?? "–"})`);
  }
  if (counts.row_value_deltas) {
    const [first] = diff.row_value_deltas;
    parts.push(`${counts.row_value_deltas} value change${counts.row_value_deltas > 1 ? "s" : ""} (${first.id}.${first.field} ${pct(first.delta_pct)})`);
  }
  if (counts.id_set_added) parts.push(`+${counts.id_set_added} added (${ids(diff.id_set_added)})`);
  if (counts.id_set_removed) parts.push(`−${counts.id_set_removed} removed (${ids(diff.id_set_removed)})`);
  if (diff.primary_metric_delta_pct !== null && diff.primary_metric_delta_pct !== undefined) {
    parts.push(`metric ${pct(diff.primary_metric_delta_pct)}`);
  }
  return parts.length ? parts.join(" · ") : "no change";
}

/** The matched leaves of a trace, in words. */
export function summarizeTrace(trace) {
  const out = [];
  const walk = (node, negated) => {
    if (!node) return;
    if (node.children) {
      for (const child of node.children) walk(child, negated !== (node.node === "not"));
      return;
    }
    if (node.matched === negated) return;
    out.push((negated ? "not " : "") + leafText(node));
  };
  walk(trace, false);
  return out.join("; ");
}

function leafText(leaf) {
  return typeof leaf.value === "object" && leaf.value !== null ? leafTextV1(leaf) : leafTextV2(leaf);
}

/** Version 1 traces (still in older logs): the leaf's numbers inside `value`. */
function leafTextV1({ node, value: v }) {
  switch (node) {
    case "top_n_reordering":
      return `top ${v.n} reordered (${ids(v.from ?? [])} → ${ids(v.to ?? [])})`;
    case "value_delta_pct":
      return v.largest ? `${v.on_field} ${pct(v.largest.delta_pct)} on ${v.largest.id} (rule: ≥ ${share(v.threshold)})` : `${v.on_field}: no change`;
    case "set_added_min":
      return `${v.added} added (rule: ≥ ${v.min})`;
    case "set_removed_min":
      return `${v.removed} removed (rule: ≥ ${v.min})`;
    case "primary_metric_delta_pct":
      return `primary metric ${v.from} → ${v.to} (${pct(v.delta_pct)}; rule: ≥ ${share(v.threshold)})`;
    default:
      return node;
  }
}

/** Version 2 traces: the decisive `value` and the leaf's `threshold` on the node, the why in `detail`. */
function leafTextV2({ node, value, threshold, detail: d = {} }) {
  switch (node) {
    case "top_n_reordering":
      return `top ${threshold} reordered (${ids(d.from ?? [])} → ${ids(d.to ?? [])})`;
    case "value_delta_pct":
      return d.largest ? `${d.on_field} ${pct(d.largest.delta_pct)} on ${d.largest.id} (rule: ≥ ${share(threshold)})` : `${d.on_field}: no change`;
    case "set_added_min":
    case "set_removed_min":
      return `${value} ${node === "set_added_min" ? "added" : "removed"} (rule: ≥ ${threshold})`;
    case "primary_metric_delta_pct":
    case "row_count_delta_pct":
      return `${node === "row_count_delta_pct" ? "row count" : "primary metric"} ${d.from} → ${d.to} (${pct(value)}; rule: ≥ ${share(threshold)})`;
    case "field_compare":
      return `${value} row${value === 1 ? "" : "s"} with ${d.field} ${d.op} ${threshold} (rule: ≥ ${d.min_rows ?? 1})`;
    case "enters_top_n":
      return `entered the top ${threshold}: ${ids(d.entered ?? [])}`;
    case "leaves_top_n":
      return `left the top ${threshold}: ${ids(d.left ?? [])}`;
    case "rank_moved_min":
      return d.largest ? `${d.largest.id} moved ${value} ranks (${d.largest.from_rank ?? "–"}→${d.largest.to_rank ?? "–"}; rule: ≥ ${threshold})` : node;
    default:
      return `${node} ${value ?? ""}`;
  }
}

export function summarizeEvent(event) {
  const d = event.data ?? {};
  switch (event.kind) {
    case "snapshot.created":
      return summarizeDiff(d.diff);
    case "alert.matched": {
      const why = summarizeTrace(d.trace);
      return `${d.subscriber_kind} ${d.subscriber_id}: ${why || summarizeDiff(d.diff)}`;
    }
    case "alert.resolved": {
      const why = summarizeTrace(d.trace);
      return `${d.subscriber_kind} ${d.subscriber_id}: resolved (fired at seq ${d.fired_seq})${why ? `; ${why}` : ""}`;
    }
    case "subscription.updated":
      return `subscription ${String(d.id ?? d.subscription_id).slice(0, 8)} updated: ${JSON.stringify(d.threshold_json)}`;
    case "subscription.disabled":
      return `subscription ${String(d.subscription_id).slice(0, 8)} disabled (its endpoint kept failing)`;
    case "dashboard.updated":
      return `changed ${Object.keys(d.changes ?? {}).join(", ")}`;
    case "subscription.created":
      return `${d.subscriber_kind} ${d.subscriber_id} subscribed: ${JSON.stringify(d.threshold_json)}`;
    case "subscription.deleted":
      return `subscription ${String(d.subscription_id).slice(0, 8)} deleted`;
    default:
      return JSON.stringify(d).slice(0, 160);
  }
}
