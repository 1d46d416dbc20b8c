import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeDiff } from "../../src/core/diff.js";
import { evaluateRule, topNReorderingMax, validateRule } from "../../src/core/rules.js";
import type { FullDiff, Rule, TraceNode } from "../../src/core/types.js";
import { ruleArb, settingsArb, snapshotPairArb } from "./arbitraries.js";

const meetsThreshold = (diff: FullDiff, rule: Rule): boolean => evaluateRule(rule, diff).matched;

const TOP_N = 8;
const diffArb: fc.Arbitrary<FullDiff> = fc
  .tuple(snapshotPairArb, settingsArb)
  .map(([{ a, b }, settings]) => computeDiff(a, b, { ...settings, topN: TOP_N }));
const rule = ruleArb(TOP_N);

function same(diff: FullDiff, x: Rule, y: Rule): void {
  expect(meetsThreshold(diff, x)).toBe(meetsThreshold(diff, y));
}

/** The node names and child counts of a rule, as a trace must repeat them. */
function shape(r: Rule): unknown {
  if ("and" in r) return ["and", r.and.map(shape)];
  if ("or" in r) return ["or", r.or.map(shape)];
  if ("not" in r) return ["not", [shape(r.not)]];
  return [Object.keys(r)[0]];
}
function traceShape(t: TraceNode): unknown {
  return t.children ? [t.node, t.children.map(traceShape)] : [t.node];
}

describe("rule properties", () => {
  it("accepts every valid rule and returns an equal copy", () => {
    fc.assert(
      fc.property(rule, (r) => {
        expect(validateRule(r, TOP_N)).toEqual({ ok: true, rule: r });
      }),
    );
  });

  it("survives any JSON, pointing every issue under the base pointer", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = validateRule(json, TOP_N, "/t");
        if (!result.ok) for (const { pointer } of result.issues) expect(pointer.startsWith("/t")).toBe(true);
      }),
    );
  });

  it("refuses a rule whose top_n_reordering exceeds top_n, and only then", () => {
    fc.assert(
      fc.property(rule, (r) => {
        const max = topNReorderingMax(r);
        expect(validateRule(r, Math.max(1, max)).ok).toBe(true);
        if (max > 1) expect(validateRule(r, max - 1).ok).toBe(false);
      }),
    );
  });

  it("mirrors the rule in its trace, every leaf with a numeric or null value and its threshold", () => {
    fc.assert(
      fc.property(diffArb, rule, (diff, r) => {
        const trace = evaluateRule(r, diff);
        expect(traceShape(trace)).toEqual(shape(r));
        const leafNodes = (t: TraceNode): TraceNode[] => (t.children ? t.children.flatMap(leafNodes) : [t]);
        for (const leaf of leafNodes(trace)) {
          expect(leaf.value === null || typeof leaf.value === "number").toBe(true);
          expect(typeof leaf.threshold).toBe("number");
        }
        // Serialisable for the event log (a delta_pct that overflowed to Infinity is written as null).
        expect(() => JSON.stringify(trace)).not.toThrow();
      }),
    );
  });

  it("treats NOT(NOT r) as r", () => {
    fc.assert(
      fc.property(diffArb, rule, (diff, r) => {
        same(diff, { not: { not: r } }, r);
      }),
    );
  });

  it("follows the laws of and/or", () => {
    fc.assert(
      fc.property(diffArb, rule, rule, rule, (diff, r, s, t) => {
        same(diff, { and: [r] }, r);
        same(diff, { or: [r] }, r);
        same(diff, { and: [r, s] }, { and: [s, r] });
        same(diff, { or: [r, s] }, { or: [s, r] });
        same(diff, { or: [r, r] }, r);
        same(diff, { and: [r, { and: [s, t] }] }, { and: [r, s, t] });
        same(diff, { not: { and: [r, s] } }, { or: [{ not: r }, { not: s }] });
        same(diff, { not: { or: [r, s] } }, { and: [{ not: r }, { not: s }] });
        same(diff, { and: [r, { or: [s, t] }] }, { or: [{ and: [r, s] }, { and: [r, t] }] });
        expect(meetsThreshold(diff, { and: [r, { not: r }] })).toBe(false);
        expect(meetsThreshold(diff, { or: [r, { not: r }] })).toBe(true);
      }),
    );
  });

  it("matches no change leaf on a diff of a snapshot with itself (a level may: judge.ts calls that unchanged)", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, rule, ({ a }, settings, r) => {
        const full = computeDiff(a, a, { ...settings, topN: TOP_N });
        const leaves = (x: Rule): Rule[] =>
          "and" in x ? x.and.flatMap(leaves) : "or" in x ? x.or.flatMap(leaves) : "not" in x ? leaves(x.not) : [x];
        for (const leaf of leaves(r)) if (!("field_compare" in leaf)) expect(meetsThreshold(full, leaf)).toBe(false);
      }),
    );
  });
});
