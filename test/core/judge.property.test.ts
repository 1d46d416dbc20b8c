import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judge, judgeSnapshot } from "../../src/core/judge.js";
import { INITIAL_LIFECYCLE_STATE, stepLifecycle, type Lifecycle } from "../../src/core/lifecycle.js";
import type { RankSettings, Rule, SnapshotData } from "../../src/core/types.js";
import { ruleArb, settingsArb, snapshotArb, snapshotPairArb } from "./arbitraries.js";

const TOP_N = 8;

describe("judgeSnapshot properties", () => {
  it("on the previous baseline without a lifecycle, alerts exactly whom version 1's judge alerted, with the same traces", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, fc.array(ruleArb(TOP_N), { minLength: 1, maxLength: 4 }), ({ a, b }, s, rules) => {
        const settings = { ...s, topN: TOP_N };
        const subs = rules.map((threshold_json, k) => ({ id: k, threshold_json }));
        const v1 = judge(a, b, settings, subs);
        const v2 = judgeSnapshot({
          next: b,
          settings,
          previous: { id: "a", data: a },
          baselines: new Map(),
          subscriptions: subs.map((sub) => ({ subscription: sub, rule: sub.threshold_json, baselineId: "a" })),
        });
        expect(v2.diff).toEqual(v1.diff);
        const alerted = v2.verdicts.flatMap((v) => {
          const { emit } = stepLifecycle(null, INITIAL_LIFECYCLE_STATE, v.outcome, 0);
          return emit ? [{ subscription: v.subscription, trace: v.trace }] : [];
        });
        expect(alerted).toEqual(v1.matches);
      }),
      { numRuns: 200 },
    );
  });
});

describe("judgeSnapshot and stepLifecycle over generated snapshot sequences", () => {
  const lifecycleArb = fc.record({
    for_snapshots: fc.integer({ min: 1, max: 3 }),
    resolve: fc.boolean(),
    resolve_after_snapshots: fc.integer({ min: 1, max: 3 }),
    cooldown_ms: fc.constantFrom(0, 2500),
  });

  /** The kinds each snapshot appends for one subscription on the previous baseline, as ingest would; snapshot k is taken at times[k]. */
  function replay(history: SnapshotData[], times: number[], settings: RankSettings, rule: Rule, lifecycle: Lifecycle): (string | null)[] {
    let state = INITIAL_LIFECYCLE_STATE;
    return history.map((next, k) => {
      const previous = k === 0 ? null : { id: `s${k - 1}`, data: history[k - 1]! };
      const { verdicts } = judgeSnapshot({ next, settings, previous, baselines: new Map(), subscriptions: [{ subscription: 0, rule, baselineId: previous?.id ?? null }] });
      const step = stepLifecycle(lifecycle, state, verdicts[0]!.outcome, times[k]!);
      state = step.state;
      return step.emit?.kind ?? null;
    });
  }

  it("a repeated snapshot appends nothing and changes no later alert", () => {
    fc.assert(
      fc.property(
        fc.array(snapshotArb, { minLength: 1, maxLength: 8 }),
        settingsArb,
        ruleArb(TOP_N),
        lifecycleArb,
        fc.nat(),
        (history, s, rule, lifecycle, at) => {
          const settings = { ...s, topN: TOP_N, primaryMetricField: null };
          const k = at % history.length;
          const repeated = [...history.slice(0, k + 1), { rows: [...history[k]!.rows], primaryMetric: history[k]!.primaryMetric }, ...history.slice(k + 1)];
          // A second apart, and the repeat half-way to the next: every other snapshot keeps its time, so the
          // cooldown (2.5 s, longer than a step) suppresses the same alerts in both runs.
          const times = history.map((_, i) => i * 1000);
          const repeatedTimes = [...times.slice(0, k + 1), times[k]! + 500, ...times.slice(k + 1)];
          const once = replay(history, times, settings, rule, lifecycle);
          const twice = replay(repeated, repeatedTimes, settings, rule, lifecycle);
          expect(twice[k + 1]).toBeNull();
          expect([...twice.slice(0, k + 1), ...twice.slice(k + 2)]).toEqual(once);
        },
      ),
      { numRuns: 150 },
    );
  });
});
