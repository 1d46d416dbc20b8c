// What a new snapshot does to a dashboard's subscriptions: each one's baseline chosen, judged (one diff per
// distinct baseline) and stepped through its lifecycle. Live ingest, backtest and explain all run this one
// function, so what a backtest shows is what ingest would have decided.
import type { Baseline } from "../core/baseline.js";
import { judgeSnapshot, type Verdict } from "../core/judge.js";
import { stepLifecycle, type Lifecycle, type LifecycleEmit, type LifecycleState } from "../core/lifecycle.js";
import type { Diff, RankSettings, Rule, SnapshotData } from "../core/types.js";

/** A subscription as judging sees it. */
export interface RuleSubject {
  id: string;
  rule: Rule;
  baseline: Baseline;
  lifecycle: Lifecycle | null;
  state: LifecycleState;
  /** The snapshot of its last appended alert.matched; null before the first. */
  lastNotifiedId: string | null;
}

export interface Decision<S extends RuleSubject> {
  subject: S;
  verdict: Verdict<S>;
  state: LifecycleState;
  emit: LifecycleEmit;
}

/** Where the baselines other than the snapshot before come from (the database, through a snapshot cache). */
export interface BaselineSource {
  /**
   * For each offset d: the latest snapshot taken at or before `takenAt − d` other than `selfId`, in one
   * query; null when there is none or retention pruned its rows.
   */
  atOffsets(takenAt: Date, offsets: readonly number[], selfId: string): Promise<Map<number, string | null>>;
  /** A snapshot's rows; null when retention pruned them. */
  load(id: string): Promise<SnapshotData | null>;
}

export interface NextSnapshot {
  id: string;
  data: SnapshotData;
  takenAt: Date;
}

export interface JudgedSubjects<S extends RuleSubject> {
  diff: Diff | null;
  unchanged: boolean;
  decisions: Decision<S>[];
}

const offsetOf = (b: Baseline): number | null => (typeof b === "object" ? b.at_offset_ms : null);

export async function judgeSubjects<S extends RuleSubject>(
  next: NextSnapshot,
  previous: { id: string; data: SnapshotData } | null,
  settings: RankSettings,
  subjects: readonly S[],
  source: BaselineSource,
): Promise<JudgedSubjects<S>> {
  // The first snapshot (or one after a pruned one, in a backtest) notifies nobody: no query at all.
  const ids = previous ? await baselineIds(next, previous.id, subjects, source) : subjects.map(() => null);
  const others = [...new Set(ids.filter((id): id is string => id !== null && id !== previous?.id))];
  const loaded = await Promise.all(others.map((id) => source.load(id)));
  const baselines = new Map<string, SnapshotData>();
  others.forEach((id, i) => {
    if (loaded[i]) baselines.set(id, loaded[i]!);
  });
  const usable = (id: string | null) => (id !== null && (id === previous?.id || baselines.has(id)) ? id : null);
  const judged = judgeSnapshot({
    next: next.data,
    settings,
    previous,
    baselines,
    subscriptions: subjects.map((s, i) => ({ subscription: s, rule: s.rule, baselineId: usable(ids[i]!) })),
  });
  const at = next.takenAt.getTime();
  const decisions = judged.verdicts.map((verdict): Decision<S> => {
    const s = verdict.subscription;
    return { subject: s, verdict, ...stepLifecycle(s.lifecycle, s.state, verdict.outcome, at) };
  });
  return { diff: judged.diff, unchanged: judged.unchanged, decisions };
}

/** Each subject's baseline snapshot id; the common case (every baseline "previous") reads nothing. */
async function baselineIds<S extends RuleSubject>(next: NextSnapshot, previousId: string, subjects: readonly S[], source: BaselineSource): Promise<(string | null)[]> {
  const offsets = [...new Set(subjects.map((s) => offsetOf(s.baseline)).filter((d): d is number => d !== null))];
  const byOffset = offsets.length > 0 ? await source.atOffsets(next.takenAt, offsets, next.id) : new Map<number, string | null>();
  return subjects.map((s) => {
    const b = s.baseline;
    if (b === "previous") return previousId;
    if (b === "last_notified") return s.lastNotifiedId ?? previousId;
    return byOffset.get(b.at_offset_ms) ?? null;
  });
}
