import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIFECYCLE, type Lifecycle, type LifecycleEmit, type Outcome } from "../../src/core/lifecycle.js";
import { run } from "./lifecycle-run.js";

const outcomeArb: fc.Arbitrary<Outcome> = fc.constantFrom("hold", "hold", "fail", "none");
const outcomesArb = fc.array(outcomeArb, { maxLength: 60 });
const lifecycleArb: fc.Arbitrary<Lifecycle> = fc.record({
  for_snapshots: fc.integer({ min: 1, max: 5 }),
  resolve: fc.boolean(),
  resolve_after_snapshots: fc.integer({ min: 1, max: 5 }),
  cooldown_ms: fc.constantFrom(0, 0, 1500, 5000),
});
/** Non-decreasing taken_at times, sometimes equal, one per outcome. */
const timedArb = outcomesArb.chain((outcomes) =>
  fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: outcomes.length, maxLength: outcomes.length }).map((gaps) => {
    let t = 0;
    return { outcomes, times: gaps.map((g) => (t += g)) };
  }),
);

/** The outcomes that count (none moves nothing), with their index in the full sequence. */
const counted = (outcomes: readonly Outcome[]) => outcomes.flatMap((o, k) => (o === "none" ? [] : [{ o, k }]));
const isMatched = (e: LifecycleEmit) => e !== null && e.kind === "matched";

describe("lifecycle properties", () => {
  it("fires on the k-th consecutive hold, never earlier: each matched ends k consecutive counted holds", () => {
    fc.assert(
      fc.property(lifecycleArb, timedArb, (l, { outcomes, times }) => {
        const { emits } = run(l, outcomes, times);
        const c = counted(outcomes);
        c.forEach(({ k }, i) => {
          if (!isMatched(emits[k]!)) return;
          expect(i + 1).toBeGreaterThanOrEqual(l.for_snapshots);
          for (const before of c.slice(i + 1 - l.for_snapshots, i + 1)) expect(before.o).toBe("hold");
        });
        // And it does fire there: the first alert is where the first run of k counted holds completes.
        const first = c.findIndex((_, i) => i + 1 >= l.for_snapshots && c.slice(i + 1 - l.for_snapshots, i + 1).every((x) => x.o === "hold"));
        expect(emits.findIndex(isMatched)).toBe(first === -1 ? -1 : c[first]!.k);
      }),
    );
  });

  it("without resolve or cooldown, a run of n counted holds alerts floor(n / k) times", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), outcomesArb, (k, outcomes) => {
        const { emits } = run({ ...DEFAULT_LIFECYCLE, for_snapshots: k }, outcomes);
        let expected = 0;
        let runLength = 0;
        for (const { o } of counted(outcomes)) {
          if (o === "hold") runLength++;
          else {
            expected += Math.floor(runLength / k);
            runLength = 0;
          }
        }
        expected += Math.floor(runLength / k);
        expect(emits.filter(isMatched)).toHaveLength(expected);
      }),
    );
  });

  it("with resolve, matched and resolved alternate, each resolve after j consecutive fails, once per firing", () => {
    fc.assert(
      fc.property(lifecycleArb, timedArb, (l0, { outcomes, times }) => {
        const l = { ...l0, resolve: true };
        const { emits, states } = run(l, outcomes, times);
        const kinds = emits.flatMap((e) => (e === null ? [] : [e.kind]));
        kinds.forEach((kind, i) => expect(kind).toBe(i % 2 === 0 ? "matched" : "resolved"));
        const c = counted(outcomes);
        c.forEach(({ k }, i) => {
          const e = emits[k];
          if (e?.kind !== "resolved") return;
          for (const before of c.slice(i + 1 - l.resolve_after_snapshots, i + 1)) expect(before.o).toBe("fail");
        });
        // The state says firing exactly between a matched and its resolved.
        let firing = false;
        emits.forEach((e, k) => {
          if (e?.kind === "matched") firing = true;
          if (e?.kind === "resolved") firing = false;
          expect(states[k]!.state).toBe(firing ? "firing" : "ok");
        });
      }),
    );
  });

  it("cooldown counts what it suppressed: appended plus suppressed equals the alerts without a cooldown", () => {
    fc.assert(
      fc.property(lifecycleArb, timedArb, (l0, { outcomes, times }) => {
        const l = { ...l0, resolve: false };
        const without = run({ ...l, cooldown_ms: 0 }, outcomes, times).emits.filter(isMatched).length;
        const { emits, state } = run(l, outcomes, times);
        const appended = emits.filter(isMatched) as { kind: "matched"; suppressed: number }[];
        const suppressed = appended.reduce((n, e) => n + e.suppressed, 0) + state.suppressed;
        expect(appended.length + suppressed).toBe(without);
        // Appended matches are at least c ms apart by taken_at.
        const at = emits.flatMap((e, k) => (isMatched(e) ? [times[k]!] : []));
        for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(l.cooldown_ms);
      }),
    );
  });

  it("an unchanged snapshot moves nothing: removing every none changes no emit", () => {
    fc.assert(
      fc.property(fc.option(lifecycleArb, { nil: null }), timedArb, (l, { outcomes, times }) => {
        const full = run(l, outcomes, times);
        const keep = counted(outcomes);
        const bare = run(l, keep.map(({ o }) => o), keep.map(({ k }) => times[k]!));
        expect(keep.map(({ k }) => full.emits[k])).toEqual(bare.emits);
        outcomes.forEach((o, k) => {
          if (o === "none") expect(full.emits[k]).toBeNull();
        });
        expect(full.state).toEqual(bare.state);
      }),
    );
  });

  it("lifecycle {} behaves as no lifecycle: every hold alerts", () => {
    fc.assert(
      fc.property(timedArb, ({ outcomes, times }) => {
        expect(run(DEFAULT_LIFECYCLE, outcomes, times).emits).toEqual(run(null, outcomes, times).emits);
      }),
    );
  });
});
