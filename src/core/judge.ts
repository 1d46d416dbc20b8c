// Which subscriptions a new snapshot notifies. Pure: the store calls it inside the ingest transaction, and
// backtest calls the same functions over stored history, so the two cannot decide differently.
import { capDiff, computeDiff } from "./diff.js";
import { stepLifecycle, type Lifecycle, type LifecycleState, type LifecycleStep, type Outcome } from "./lifecycle.js";
import { evaluateRule, traceRule } from "./rules.js";
import { boundTrace } from "./trace-bound.js";
import type { Diff, FullDiff, RankSettings, Rule, SnapshotData, TraceNode } from "./types.js";

export interface Judged<S> {
  diff: Diff;
  matches: { subscription: S; trace: TraceNode }[];
}

/**
 * A diff that measured no change notifies nobody, whatever the rules say: a `not` rule would otherwise
 * fire on every unchanged hourly snapshot.
 */
export function isEmptyDiff(diff: FullDiff): boolean {
  const c = diff.counts;
  const metricChanged = diff.primary_metric.from !== diff.primary_metric.to;
  return c.top_n_changes + c.row_value_deltas + c.id_set_added + c.id_set_removed === 0 && !metricChanged;
}

/** Version 1's judgement against the snapshot before; kept for callers not yet on `judgeSnapshot`. */
export function judge<S extends { threshold_json: Rule }>(
  previous: SnapshotData,
  next: SnapshotData,
  settings: RankSettings,
  subscriptions: readonly S[],
): Judged<S> {
  const full = computeDiff(previous, next, settings);
  const matches: Judged<S>["matches"] = [];
  if (!isEmptyDiff(full)) {
    for (const subscription of subscriptions) {
      const trace = evaluateRule(subscription.threshold_json, full);
      if (trace.matched) matches.push({ subscription, trace });
    }
  }
  return { diff: capDiff(full), matches };
}

export interface JudgeInput<S> {
  next: SnapshotData;
  settings: RankSettings;
  /** The snapshot before `next`; null for a dashboard's first snapshot. */
  previous: { id: string; data: SnapshotData } | null;
  /** Baseline snapshots other than `previous`, by id (the store reads them). */
  baselines: ReadonlyMap<string, SnapshotData>;
  /**
   * `baselineId`: the snapshot this subscription is judged against (previous.id for "previous"), null when it
   * has none (the first snapshot, or `at_offset_ms` with no snapshot that old).
   */
  subscriptions: readonly { subscription: S; rule: Rule; baselineId: string | null }[];
}

export interface Verdict<S> {
  subscription: S;
  baselineId: string | null;
  outcome: Outcome;
  /** The bounded trace when judged; null for "none". */
  trace: TraceNode | null;
  /** The capped diff from this subscription's baseline, what its alert carries; null for "none". */
  diff: Diff | null;
}

export interface SnapshotJudgement<S> {
  /** The capped diff previous → next, for `snapshot.created`; null without a previous snapshot. */
  diff: Diff | null;
  /** A previous snapshot exists and `next` has the same content: every verdict is "none". */
  unchanged: boolean;
  verdicts: Verdict<S>[];
}

interface BaselineDiff {
  full: FullDiff;
  capped: Diff;
  empty: boolean;
}

/**
 * Judges one new snapshot for every subscription, computing each distinct baseline's diff once: 100
 * subscriptions on 3 baselines cost 3 diffs. Content unchanged against a subscription's baseline fails (it
 * notifies nobody, yet it is a changed snapshot, so it counts toward a resolve); its trace still shows what
 * each leaf measured, with the root `matched: false` and `unchanged: true`. A baseline id the store gave but
 * whose rows are not in `baselines` (pruned by retention meanwhile) is judged as no baseline: "none".
 */
export function judgeSnapshot<S>(input: JudgeInput<S>): SnapshotJudgement<S> {
  const { next, settings, previous, baselines } = input;
  const diffs = new Map<string, BaselineDiff | null>();
  const diffFrom = (id: string): BaselineDiff | null => {
    if (diffs.has(id)) return diffs.get(id)!;
    const base = previous !== null && id === previous.id ? previous.data : baselines.get(id);
    const full = base === undefined ? null : computeDiff(base, next, settings);
    const made = full && { full, capped: capDiff(full), empty: isEmptyDiff(full) };
    diffs.set(id, made);
    return made;
  };

  // A rule object is judged once per baseline: subscriptions that share one (the store hands equal rules
  // over as one object) share its trace, so 500 personas on one preset cost one evaluation, one bound
  // and, downstream, one serialization of the trace.
  const traces = new Map<Rule, Map<string, TraceNode>>();
  const traceOf = (rule: Rule, baselineId: string, base: BaselineDiff): TraceNode => {
    let byBaseline = traces.get(rule);
    if (byBaseline === undefined) traces.set(rule, (byBaseline = new Map()));
    let trace = byBaseline.get(baselineId);
    if (trace === undefined) {
      trace = base.empty ? boundTrace({ ...traceRule(rule, base.full), matched: false, unchanged: true }) : evaluateRule(rule, base.full);
      byBaseline.set(baselineId, trace);
    }
    return trace;
  };

  const first = previous === null ? null : diffFrom(previous.id);
  const unchanged = first !== null && first.empty;
  const verdicts = input.subscriptions.map(({ subscription, rule, baselineId }): Verdict<S> => {
    const none: Verdict<S> = { subscription, baselineId, outcome: "none", trace: null, diff: null };
    if (unchanged || baselineId === null) return none;
    const base = diffFrom(baselineId);
    if (base === null) return none;
    const trace = traceOf(rule, baselineId, base);
    // Content unchanged against this baseline fails whatever the rule says (see above).
    const outcome = !base.empty && trace.matched ? "hold" : "fail";
    return { subscription, baselineId, outcome, trace, diff: base.capped };
  });
  return { diff: first?.capped ?? null, unchanged, verdicts };
}

/** A verdict's effect on its subscription's lifecycle: the one step live ingest and backtest both take. */
export function decide<S>(lifecycle: Lifecycle | null, state: LifecycleState, verdict: Verdict<S>, takenAtMs: number): LifecycleStep {
  return stepLifecycle(lifecycle, state, verdict.outcome, takenAtMs);
}
