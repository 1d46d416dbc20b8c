// The ops limit's windows, at their boundaries (pure: the time is passed in).
import { describe, expect, it } from "vitest";
import { OpLimit, type OpVerdict } from "../../src/hub/op-limit.js";

/** Verdicts for ops at the given times (ms). */
const run = (max: number, times: number[]): OpVerdict[] => {
  const limit = new OpLimit(max);
  return times.map((t) => limit.check(t));
};

describe("OpLimit", () => {
  it("handles max ops in a second, warns on the next one and drops the rest of that second", () => {
    expect(run(2, [0, 10, 20, 30, 999])).toEqual(["handle", "handle", "warn", "drop", "drop"]);
  });

  it("starts a new window 1000 ms after the first op of the last one", () => {
    expect(run(2, [0, 500, 999, 1000, 1001])).toEqual(["handle", "handle", "warn", "handle", "handle"]);
  });

  it("closes when the window right after an over one goes over too", () => {
    expect(run(1, [0, 1, 1000, 1001])).toEqual(["handle", "warn", "handle", "close"]);
  });

  it("warns again instead of closing when a quiet second came between", () => {
    expect(run(1, [0, 1, 2000, 2001])).toEqual(["handle", "warn", "handle", "warn"]);
  });

  it("does not hold a window within the limit against the next", () => {
    expect(run(2, [0, 1, 1000, 1001, 1002])).toEqual(["handle", "handle", "handle", "handle", "warn"]);
  });
});
