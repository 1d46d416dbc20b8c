import { describe, expect, it } from "vitest";
import { capDiff, computeDiff } from "../../src/core/diff.js";
import { judgeSnapshot, type JudgeInput } from "../../src/core/judge.js";
import type { RankSettings, Row, Rule, SnapshotData } from "../../src/core/types.js";

const settings: RankSettings = { idField: "id", rankBy: "score", topN: 5, primaryMetricField: null };
const snap = (rows: Row[]): SnapshotData => ({ rows, primaryMetric: null });
const board = (...scores: number[]) => snap(scores.map((score, k) => ({ id: `r${k}`, score })));

const s0 = board(10, 20, 30);
const s1 = board(10, 20, 31);
const s2 = board(10, 25, 31);
const anyChange: Rule = { value_delta_pct: 0, on_field: "score" };
const big: Rule = { value_delta_pct: 0.2, on_field: "score" };

function input(subscriptions: JudgeInput<string>["subscriptions"], next = s2): JudgeInput<string> {
  return {
    next,
    settings,
    previous: { id: "s1", data: s1 },
    baselines: new Map([["s0", s0]]),
    subscriptions,
  };
}

describe("judgeSnapshot", () => {
  it("judges each subscription against its baseline, with the diff from it", () => {
    const result = judgeSnapshot(
      input([
        { subscription: "prev-big", rule: big, baselineId: "s1" },
        { subscription: "old-big", rule: big, baselineId: "s0" },
      ]),
    );
    expect(result.unchanged).toBe(false);
    expect(result.diff).toEqual(capDiff(computeDiff(s1, s2, settings)));
    const [prev, old] = result.verdicts;
    // 20 → 25 is +25 % against both; only against s0 did 30 → 31 happen too.
    expect(prev).toMatchObject({ subscription: "prev-big", baselineId: "s1", outcome: "hold" });
    expect(old).toMatchObject({ subscription: "old-big", baselineId: "s0", outcome: "hold" });
    expect(prev!.diff).toEqual(capDiff(computeDiff(s1, s2, settings)));
    expect(old!.diff).toEqual(capDiff(computeDiff(s0, s2, settings)));
    expect(old!.diff!.counts.row_value_deltas).toBe(2);
    expect(prev!.trace).toMatchObject({ node: "value_delta_pct", matched: true, value: 0.25, threshold: 0.2 });
  });

  it("computes one diff per distinct baseline, shared by every subscription on it", () => {
    const subs = Array.from({ length: 30 }, (_, k) => ({
      subscription: `s${k}`,
      rule: k % 2 ? big : anyChange,
      baselineId: k % 3 === 0 ? "s0" : "s1",
    }));
    const result = judgeSnapshot(input(subs));
    const distinct = new Set(result.verdicts.map((v) => v.diff));
    expect(distinct.size).toBe(2);
    // The previous snapshot's diff is the one snapshot.created carries, not a second computation.
    expect(result.verdicts.find((v) => v.baselineId === "s1")!.diff).toBe(result.diff);
    for (const v of result.verdicts) expect(v.diff).toBe(result.verdicts.find((w) => w.baselineId === v.baselineId)!.diff);
  });

  it("judges nobody when the snapshot is unchanged from the previous one, whatever its baseline", () => {
    const result = judgeSnapshot(
      input(
        [
          { subscription: "not", rule: { not: big }, baselineId: "s1" },
          { subscription: "old", rule: anyChange, baselineId: "s0" },
          { subscription: "level", rule: { field_compare: { field: "score", op: "gt", value: 0 } }, baselineId: "s1" },
        ],
        board(10, 20, 31),
      ),
    );
    expect(result.unchanged).toBe(true);
    expect(result.diff!.counts).toEqual({ top_n_changes: 0, row_value_deltas: 0, id_set_added: 0, id_set_removed: 0 });
    for (const v of result.verdicts) expect(v).toMatchObject({ outcome: "none", trace: null, diff: null });
  });

  it("gives none to a subscription without a baseline, or whose baseline rows are gone", () => {
    const result = judgeSnapshot(
      input([
        { subscription: "none", rule: anyChange, baselineId: null },
        { subscription: "pruned", rule: anyChange, baselineId: "gone" },
      ]),
    );
    expect(result.verdicts.map((v) => v.outcome)).toEqual(["none", "none"]);
  });

  it("gives every subscription none on a dashboard's first snapshot", () => {
    const result = judgeSnapshot({ ...input([{ subscription: "a", rule: anyChange, baselineId: null }]), previous: null });
    expect(result).toEqual({ diff: null, unchanged: false, verdicts: [{ subscription: "a", baselineId: null, outcome: "none", trace: null, diff: null }] });
  });

  it("fails a changed snapshot whose content equals its baseline's, even for a rule that would match", () => {
    const result = judgeSnapshot(
      input([{ subscription: "back", rule: { field_compare: { field: "score", op: "gte", value: 30 } }, baselineId: "s0" }], board(10, 20, 30)),
    );
    const [v] = result.verdicts;
    expect(result.unchanged).toBe(false);
    expect(v!.outcome).toBe("fail");
    expect(v!.trace).toMatchObject({ node: "field_compare", matched: false, unchanged: true, value: 1, threshold: 30 });
    expect(v!.diff!.counts.row_value_deltas).toBe(0);
  });

  it("fails where the rule does not match", () => {
    const [v] = judgeSnapshot(input([{ subscription: "x", rule: { set_added_min: 1 }, baselineId: "s1" }])).verdicts;
    expect(v).toMatchObject({ outcome: "fail", trace: { node: "set_added_min", matched: false, value: 0, threshold: 1 } });
  });
});
