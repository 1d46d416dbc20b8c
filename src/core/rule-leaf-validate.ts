// Validating one leaf of a `threshold_json`: its own member, the members beside it, and nothing else.
import {
  checkChoice,
  checkField,
  checkIds,
  checkNumber,
  checkOptional,
  COMPARE_OPS,
  COUNT,
  DIRECTIONS,
  FINITE,
  FRACTION,
  isObject,
  rankSpec,
  refuseOthers,
  type Issues,
} from "./rule-checks.js";
import type { LeafName } from "./rule-node.js";
import type { Direction, FieldCompareRule, Rule } from "./types.js";

/** The members a leaf may carry beside its own key. */
export const LEAF_MEMBERS: Readonly<Record<LeafName, readonly string[]>> = {
  top_n_reordering: [],
  value_delta_pct: ["on_field", "direction", "ids"],
  set_added_min: [],
  set_removed_min: [],
  primary_metric_delta_pct: ["direction"],
  row_count_delta_pct: ["direction"],
  field_compare: [],
  enters_top_n: ["ids"],
  leaves_top_n: ["ids"],
  rank_moved_min: ["within_top_n"],
};

const FIELD_COMPARE_MEMBERS = ["field", "op", "value", "ids", "min_rows"];

export interface LeafWalk extends Issues {
  topN: number;
}

function direction(walk: Issues, json: Record<string, unknown>, pointer: string): { direction?: Direction } {
  return checkOptional(json, "direction", (v) => checkChoice(walk, `${pointer}/direction`, v, DIRECTIONS));
}

function fieldCompare(walk: Issues, json: unknown, at: string): FieldCompareRule["field_compare"] {
  if (!isObject(json)) {
    walk.issues.push({ pointer: at, detail: "must be an object {field, op, value, ids?, min_rows?}" });
    return { field: "", op: "gt", value: Number.NaN };
  }
  refuseOthers(walk, json, FIELD_COMPARE_MEMBERS, at, "field_compare");
  return {
    field: checkField(walk, `${at}/field`, json.field),
    op: checkChoice(walk, `${at}/op`, json.op, COMPARE_OPS),
    value: checkNumber(walk, `${at}/value`, json.value, FINITE),
    ...checkOptional(json, "ids", (v) => checkIds(walk, `${at}/ids`, v)),
    ...checkOptional(json, "min_rows", (v) => checkNumber(walk, `${at}/min_rows`, v, COUNT)),
  };
}

/** A fresh copy of the leaf holding only its members; a placeholder wherever the input is bad. */
export function checkLeaf(walk: LeafWalk, json: Record<string, unknown>, node: LeafName, pointer: string): Rule {
  const at = `${pointer}/${node}`;
  const value = json[node];
  switch (node) {
    case "top_n_reordering":
      return { top_n_reordering: checkNumber(walk, at, value, rankSpec(walk.topN)) };
    case "value_delta_pct":
      return {
        value_delta_pct: checkNumber(walk, at, value, FRACTION),
        on_field: checkField(walk, `${pointer}/on_field`, json.on_field),
        ...direction(walk, json, pointer),
        ...checkOptional(json, "ids", (v) => checkIds(walk, `${pointer}/ids`, v)),
      };
    case "set_added_min":
      return { set_added_min: checkNumber(walk, at, value, COUNT) };
    case "set_removed_min":
      return { set_removed_min: checkNumber(walk, at, value, COUNT) };
    case "primary_metric_delta_pct":
      return { primary_metric_delta_pct: checkNumber(walk, at, value, FRACTION), ...direction(walk, json, pointer) };
    case "row_count_delta_pct":
      return { row_count_delta_pct: checkNumber(walk, at, value, FRACTION), ...direction(walk, json, pointer) };
    case "field_compare":
      return { field_compare: fieldCompare(walk, value, at) };
    case "enters_top_n":
      return {
        enters_top_n: checkNumber(walk, at, value, rankSpec(walk.topN)),
        ...checkOptional(json, "ids", (v) => checkIds(walk, `${pointer}/ids`, v)),
      };
    case "leaves_top_n":
      return {
        leaves_top_n: checkNumber(walk, at, value, rankSpec(walk.topN)),
        ...checkOptional(json, "ids", (v) => checkIds(walk, `${pointer}/ids`, v)),
      };
    case "rank_moved_min":
      return {
        rank_moved_min: checkNumber(walk, at, value, COUNT),
        within_top_n: checkNumber(walk, `${pointer}/within_top_n`, json.within_top_n, rankSpec(walk.topN)),
      };
    default:
      return node satisfies never;
  }
}
