// The rule editor's helpers: leaf templates (version 2 leaves included) added into the rule box, and the
// subscription's `baseline` and `lifecycle` read from their inputs. The hub validates; the form only shapes.
import { $ } from "./dom.js";

export const LEAF_TEMPLATES = {
  top_n_reordering: { top_n_reordering: 3 },
  value_delta_pct: { value_delta_pct: 0.2, on_field: "score", direction: "up" },
  value_delta_pct_ids: { value_delta_pct: 0.1, on_field: "score", ids: ["ann"] },
  set_added_min: { set_added_min: 1 },
  set_removed_min: { set_removed_min: 1 },
  primary_metric_delta_pct: { primary_metric_delta_pct: 0.1, direction: "down" },
  field_compare: { field_compare: { field: "score", op: "gt", value: 100, min_rows: 1 } },
  enters_top_n: { enters_top_n: 3 },
  leaves_top_n: { leaves_top_n: 3, ids: ["ann"] },
  rank_moved_min: { rank_moved_min: 2, within_top_n: 5 },
  row_count_delta_pct: { row_count_delta_pct: 0.1, direction: "any" },
};

/** The rule with `leaf` added: alone when the box is empty, pushed onto a top-level `or`, else or'ed with it. */
export function addLeaf(text, leaf) {
  if (!text.trim()) return leaf;
  const rule = JSON.parse(text);
  if (rule && Array.isArray(rule.or)) return { ...rule, or: [...rule.or, leaf] };
  return { or: [rule, leaf] };
}

/** A number input's value as a number; text that is not one goes as it is, so the hub names it at its pointer. */
function numberOf(input) {
  const raw = input.value.trim();
  if (raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

/** `baseline` to send, or undefined for the default ("previous"), so hubs without version 2 rules still accept the form. */
export function readBaseline() {
  const kind = $("sub-baseline").value;
  if (kind === "previous") return undefined;
  if (kind === "at_offset_ms") return { at_offset_ms: numberOf($("sub-baseline-offset")) ?? null };
  return kind;
}

/** `lifecycle` to send, or undefined when its box is unticked (every match alerts, as in version 1). */
export function readLifecycle() {
  if (!$("sub-lifecycle-on").checked) return undefined;
  const lifecycle = {
    for_snapshots: numberOf($("sub-for")),
    resolve: $("sub-resolve").checked,
    resolve_after_snapshots: $("sub-resolve").checked ? numberOf($("sub-resolve-after")) : undefined,
    cooldown_ms: numberOf($("sub-cooldown")),
  };
  for (const key of Object.keys(lifecycle)) if (lifecycle[key] === undefined) delete lifecycle[key];
  return lifecycle;
}

/** Puts a listed subscription's baseline and lifecycle back into the inputs (for "edit in form"). */
export function writeOptions({ baseline, lifecycle }) {
  const offset = baseline && typeof baseline === "object" ? baseline.at_offset_ms : null;
  $("sub-baseline").value = offset !== null ? "at_offset_ms" : baseline ?? "previous";
  $("sub-baseline-offset").value = offset ?? "";
  $("sub-baseline-offset").hidden = offset === null;
  $("sub-lifecycle-on").checked = Boolean(lifecycle);
  $("sub-for").value = lifecycle?.for_snapshots ?? 1;
  $("sub-resolve").checked = Boolean(lifecycle?.resolve);
  $("sub-resolve-after").value = lifecycle?.resolve_after_snapshots ?? 1;
  $("sub-cooldown").value = lifecycle?.cooldown_ms ?? 0;
}

export function describeOptions({ baseline, lifecycle }) {
  const base = !baseline || baseline === "previous" ? "vs previous" : typeof baseline === "object" ? `vs ${baseline.at_offset_ms} ms ago` : "vs last notified";
  if (!lifecycle) return base;
  const parts = [`for ${lifecycle.for_snapshots ?? 1}`];
  if (lifecycle.resolve) parts.push(`resolve after ${lifecycle.resolve_after_snapshots ?? 1}`);
  if (lifecycle.cooldown_ms) parts.push(`cooldown ${lifecycle.cooldown_ms} ms`);
  return `${base} · ${parts.join(", ")}`;
}

export function wireRuleOptions({ threshold, onError }) {
  $("sub-baseline").addEventListener("change", () => {
    $("sub-baseline-offset").hidden = $("sub-baseline").value !== "at_offset_ms";
  });
  $("sub-leaf-add").addEventListener("click", () => {
    const leaf = LEAF_TEMPLATES[$("sub-leaf").value];
    if (!leaf) return;
    try {
      threshold.value = JSON.stringify(addLeaf(threshold.value, leaf));
    } catch (error) {
      onError("/threshold_json", `is not valid JSON, so no leaf can be added (${error.message})`);
    }
  });
}
