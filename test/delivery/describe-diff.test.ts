import { describe, expect, it } from "vitest";
import { capDiff, computeDiff } from "../../src/core/diff.js";
import type { RankSettings, Row } from "../../src/core/types.js";
import { describeDiff, pct } from "../../src/delivery/describe-diff.js";

const settings: RankSettings = { idField: "id", rankBy: "score", topN: 3, primaryMetricField: null };
const board = (scores: Record<string, number>): Row[] => Object.entries(scores).map(([id, score]) => ({ id, score }));
const words = (a: Record<string, number>, b: Record<string, number>, metric: [number | null, number | null] = [null, null]) =>
  describeDiff(capDiff(computeDiff({ rows: board(a), primaryMetric: metric[0] }, { rows: board(b), primaryMetric: metric[1] }, settings)), settings.topN);

describe("describeDiff", () => {
  it("says which rows entered and left the top N, and which moved within it", () => {
    const lines = words({ a: 9, b: 8, c: 7, d: 1, e: 0.5 }, { d: 10, e: 9.5, a: 9, b: 8, c: 7 });
    expect(lines).toContain("2 rows entered the top 3: d (#1), e (#2)");
    expect(lines).toContain("2 rows left the top 3: b (was #2), c (was #3)");
    expect(lines).toContain("1 row moved within the top 3: a #1 → #3");
  });

  it("says how a value changed, in percent and from → to, with the direction in words", () => {
    const lines = words({ x: 8, y: 10 }, { x: 10, y: 9 });
    expect(lines).toContain("score of row x rose 25 % (8 → 10)");
    expect(lines).toContain("score of row y fell 10 % (10 → 9)");
  });

  it("describes a change from 0 without a percentage", () => {
    expect(words({ x: 0 }, { x: 4 })).toContain("score of row x rose from 0 to 4");
  });

  it("lists ids added and removed, and the primary metric change", () => {
    const lines = words({ a: 1, gone: 2 }, { a: 1, fresh: 2 }, [200, 150]);
    expect(lines).toContain("1 row added: fresh");
    expect(lines).toContain("1 row removed: gone");
    expect(lines).toContain("The primary metric fell 25 %.");
  });

  it("shows ten examples of a long list and counts the rest, including those capped out of the diff", () => {
    const before = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`r${i}`, 1]));
    const after = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`n${i}`, 1]));
    const added = words(before, after).find((l) => l.includes("added"));
    expect(added).toMatch(/^150 rows added: (n\d+, ){9}n\d+ and 140 more$/);
  });

  it("has something to say about an unchanged snapshot and about a baseline", () => {
    expect(words({ a: 1 }, { a: 1 })).toEqual(["Nothing changed."]);
    expect(describeDiff(null, 10)).toEqual(["This is the dashboard's first snapshot: there is nothing to compare it with."]);
  });

  it.each([
    { fraction: 0.25, text: "25 %" },
    { fraction: -0.125, text: "12.5 %" },
    { fraction: 2, text: "200 %" },
    { fraction: 0.00049, text: "< 0.1 %" },
    { fraction: 1 / 3, text: "33.3 %" },
  ])("writes $fraction as $text", ({ fraction, text }) => {
    expect(pct(fraction)).toBe(text);
  });
});
