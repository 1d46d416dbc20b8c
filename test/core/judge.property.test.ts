import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judge, judgeSnapshot } from "../../src/core/judge.js";
import { stepLifecycle, INITIAL_LIFECYCLE_STATE } from "../../src/core/lifecycle.js";
import { ruleArb, settingsArb, snapshotPairArb } from "./arbitraries.js";

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
