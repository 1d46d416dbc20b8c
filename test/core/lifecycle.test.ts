import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIFECYCLE,
  INITIAL_LIFECYCLE_STATE,
  MAX_LIFECYCLE_SNAPSHOTS,
  stepLifecycle,
  validateLifecycle,
  type Lifecycle,
  type LifecycleEmit,
  type LifecycleState,
  type Outcome,
} from "../../src/core/lifecycle.js";
import { run } from "./lifecycle-run.js";

const lc = (l: Partial<Lifecycle>): Lifecycle => ({ ...DEFAULT_LIFECYCLE, ...l });
const seq = (s: string): Outcome[] => [...s].map((c) => (c === "h" ? "hold" : c === "f" ? "fail" : "none"));
/** m: matched, r: resolved, .: nothing. */
const kinds = (emits: LifecycleEmit[]) => emits.map((e) => (e === null ? "." : e.kind === "matched" ? "m" : "r")).join("");

describe("validateLifecycle", () => {
  it.each([
    { name: "absent", input: undefined, lifecycle: null },
    { name: "null", input: null, lifecycle: null },
    { name: "{} takes every default", input: {}, lifecycle: DEFAULT_LIFECYCLE },
    { name: "{for_snapshots: 1} is the same as {}", input: { for_snapshots: 1 }, lifecycle: DEFAULT_LIFECYCLE },
    {
      name: "every member at its upper bound",
      input: { for_snapshots: 100, resolve: true, resolve_after_snapshots: 100, cooldown_ms: Number.MAX_SAFE_INTEGER },
      lifecycle: { for_snapshots: 100, resolve: true, resolve_after_snapshots: 100, cooldown_ms: Number.MAX_SAFE_INTEGER },
    },
    { name: "cooldown 0", input: { cooldown_ms: 0, resolve: false }, lifecycle: DEFAULT_LIFECYCLE },
  ])("accepts $name", ({ input, lifecycle }) => {
    expect(validateLifecycle(input, "/lifecycle")).toEqual({ ok: true, lifecycle });
  });

  it.each([
    { name: "a non-object", input: 3, pointers: ["/lifecycle"] },
    { name: "an array", input: [], pointers: ["/lifecycle"] },
    { name: "for_snapshots 0", input: { for_snapshots: 0 }, pointers: ["/lifecycle/for_snapshots"] },
    { name: "for_snapshots 101", input: { for_snapshots: MAX_LIFECYCLE_SNAPSHOTS + 1 }, pointers: ["/lifecycle/for_snapshots"] },
    { name: "for_snapshots 1.5", input: { for_snapshots: 1.5 }, pointers: ["/lifecycle/for_snapshots"] },
    { name: "resolve_after_snapshots 0", input: { resolve_after_snapshots: 0 }, pointers: ["/lifecycle/resolve_after_snapshots"] },
    { name: "resolve_after_snapshots 101", input: { resolve_after_snapshots: 101 }, pointers: ["/lifecycle/resolve_after_snapshots"] },
    { name: "a negative cooldown", input: { cooldown_ms: -1 }, pointers: ["/lifecycle/cooldown_ms"] },
    { name: "a fractional cooldown", input: { cooldown_ms: 0.5 }, pointers: ["/lifecycle/cooldown_ms"] },
    { name: "an infinite cooldown (1e400)", input: { cooldown_ms: Number.POSITIVE_INFINITY }, pointers: ["/lifecycle/cooldown_ms"] },
    { name: "resolve as a string", input: { resolve: "true" }, pointers: ["/lifecycle/resolve"] },
    { name: "a null member", input: { for_snapshots: null }, pointers: ["/lifecycle/for_snapshots"] },
    {
      name: "an unknown member and a bad one, each at its pointer",
      input: { for: 2, cooldown_ms: "1s", "a/b": 1 },
      pointers: ["/lifecycle/for", "/lifecycle/a~1b", "/lifecycle/cooldown_ms"],
    },
  ])("refuses $name", ({ input, pointers }) => {
    const result = validateLifecycle(input, "/lifecycle");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.pointer)).toEqual(pointers);
  });
});

describe("stepLifecycle", () => {
  it.each([
    { name: "no lifecycle: every hold alerts", lifecycle: null, outcomes: "hhfhnh", want: "mm.m.m" },
    { name: "{}: every hold alerts", lifecycle: DEFAULT_LIFECYCLE, outcomes: "hhfhnh", want: "mm.m.m" },
    { name: "for 3: the third consecutive hold, then the count starts again", lifecycle: lc({ for_snapshots: 3 }), outcomes: "hhhhhh", want: "..m..m" },
    { name: "for 3: a fail breaks the run", lifecycle: lc({ for_snapshots: 3 }), outcomes: "hhfhhh", want: ".....m" },
    { name: "for 3: an unchanged snapshot does not break the run", lifecycle: lc({ for_snapshots: 3 }), outcomes: "hnhnh", want: "....m" },
    { name: "resolve: fires once, holds while firing append nothing", lifecycle: lc({ resolve: true }), outcomes: "hhhfh", want: "m..rm" },
    { name: "resolve after 2 fails", lifecycle: lc({ resolve: true, resolve_after_snapshots: 2 }), outcomes: "hfhffh", want: "m...rm" },
    { name: "resolve: a hold while firing resets the fails", lifecycle: lc({ resolve: true, resolve_after_snapshots: 2 }), outcomes: "hfhfnf", want: "m....r" },
    { name: "resolve with for 2", lifecycle: lc({ resolve: true, for_snapshots: 2 }), outcomes: "hhfhfhh", want: ".mr...m" },
  ])("$name", ({ lifecycle, outcomes, want }) => {
    expect(kinds(run(lifecycle, seq(outcomes)).emits)).toBe(want);
  });

  it("resolves with the seq the store set on firing, and forgets it", () => {
    const l = lc({ resolve: true });
    const fired = stepLifecycle(l, INITIAL_LIFECYCLE_STATE, "hold", 0);
    expect(fired).toEqual({ state: { ...INITIAL_LIFECYCLE_STATE, state: "firing", last_matched_at: 0 }, emit: { kind: "matched", suppressed: 0 } });
    const resolved = stepLifecycle(l, { ...fired.state, fired_seq: 42 }, "fail", 1);
    expect(resolved.emit).toEqual({ kind: "resolved", fired_seq: 42 });
    expect(resolved.state).toEqual({ ...INITIAL_LIFECYCLE_STATE, last_matched_at: 0 });
  });

  it("returns the very same state for none", () => {
    const state: LifecycleState = { state: "firing", holds: 0, fails: 3, suppressed: 2, last_matched_at: 5, fired_seq: 9 };
    for (const l of [null, DEFAULT_LIFECYCLE, lc({ resolve: true, resolve_after_snapshots: 5 })]) {
      const step = stepLifecycle(l, state, "none", 10);
      expect(step.state).toBe(state);
      expect(step.emit).toBeNull();
    }
  });

  describe("cooldown", () => {
    const l = lc({ cooldown_ms: 1000 });
    it("suppresses a match within c ms of the last one appended and counts it on the next", () => {
      const { emits, state } = run(l, seq("hhhhh"), [0, 500, 999, 1000, 1500]);
      expect(emits).toEqual([{ kind: "matched", suppressed: 0 }, null, null, { kind: "matched", suppressed: 2 }, null]);
      expect(state).toMatchObject({ suppressed: 1, last_matched_at: 1000 });
    });

    it("measures from the last appended match, not the last suppressed one", () => {
      const { emits } = run(l, seq("hhh"), [0, 900, 1800]);
      expect(emits).toEqual([{ kind: "matched", suppressed: 0 }, null, { kind: "matched", suppressed: 1 }]);
    });

    it("with resolve, a suppressed firing leaves the state ok and restarts the hold count", () => {
      const r = lc({ resolve: true, cooldown_ms: 1000, for_snapshots: 2 });
      const { emits, state } = run(r, seq("hhfhhhh"), [0, 1, 2, 3, 4, 5, 1001]);
      // Fires at 1, resolves at 2, the firing at 4 is suppressed (state stays ok, holds 0), 5 is hold 1 of 2.
      expect(kinds(emits)).toBe(".mr...m");
      expect(emits[6]).toEqual({ kind: "matched", suppressed: 1 });
      expect(state).toMatchObject({ state: "firing", suppressed: 0, last_matched_at: 1001 });
    });
  });
});
