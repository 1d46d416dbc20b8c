// The events a judged snapshot appends, and the lifecycle states it leaves behind.
import type { LifecycleState } from "../core/lifecycle.js";
import { redactSubscriber } from "../core/redact.js";
import type { Diff, TraceNode } from "../core/types.js";
import type { EventDraft } from "./event-log.js";
import type { JudgedSubscription } from "./ingest-reads.js";
import type { Decision } from "./judge-subscriptions.js";

/** A decision that appends an event, in draft order (after snapshot.created). */
export type Emitted = Decision<JudgedSubscription> & { emit: NonNullable<Decision<JudgedSubscription>["emit"]> };

/** A resolution judged on content unchanged against the baseline may come without a trace; its root still says "not matched". */
export const resolvedTrace = (trace: TraceNode | null, subject: { rule: object }): TraceNode =>
  trace ?? { node: Object.keys(subject.rule)[0] ?? "rule", matched: false };

export function alertDrafts(
  decisions: readonly Decision<JudgedSubscription>[],
  snapshotId: string,
  previousId: string | null,
  diff: Diff | null,
): { drafts: EventDraft[]; emitted: Emitted[] } {
  const drafts: EventDraft[] = [];
  const emitted: Emitted[] = [];
  for (const d of decisions) {
    if (d.emit === null) continue;
    const s = d.subject;
    const persona = s.subscriber_kind === "persona" ? s.subscriber_id : null;
    const subscriberId = redactSubscriber(s.subscriber_kind, s.subscriber_id);
    // Built member by member rather than spread: an alert-heavy commit makes a thousand of these. The keys
    // are written in jsonb's order (by length, then bytes), the order every writer puts them in
    // (event-text.ts), which then finds them sorted instead of sorting each alert's; an absent optional
    // member is undefined, which every writer leaves out.
    if (d.emit.kind === "matched") {
      // Alerts on the snapshot before share the snapshot's diff (stored once, sent once); others carry their own.
      const shared = d.verdict.baselineId === previousId;
      const data: Record<string, unknown> = {
        diff: shared ? diff : d.verdict.diff,
        trace: d.verdict.trace,
        suppressed: s.lifecycle ? d.emit.suppressed : undefined,
        snapshot_id: snapshotId,
        subscriber_id: subscriberId,
        subscriber_kind: s.subscriber_kind,
        subscription_id: s.id,
        // Named only for a subscription with a baseline of its own ("then also names", CONTRACT): a version 1
        // alert keeps its shape and its bytes, which every topic it travels on carries again.
        baseline_snapshot_id: s.baseline !== "previous" ? d.verdict.baselineId : undefined,
        previous_snapshot_id: previousId,
      };
      drafts.push(shared ? { kind: "alert.matched", persona, diffOf: snapshotId, data } : { kind: "alert.matched", persona, ownDiff: true, data });
    } else {
      drafts.push({
        kind: "alert.resolved",
        persona,
        data: { subscription_id: s.id, subscriber_kind: s.subscriber_kind, subscriber_id: subscriberId, snapshot_id: snapshotId, fired_seq: d.emit.fired_seq, trace: resolvedTrace(d.verdict.trace, s) },
      });
    }
    emitted.push(d as Emitted);
  }
  return { drafts, emitted };
}

/**
 * The lifecycle states to write: only subscriptions with a lifecycle whose state moved. A firing records
 * the seq of the alert that made it (the core leaves that to whoever appends).
 */
export function stateChanges(decisions: readonly Decision<JudgedSubscription>[], seqOf: ReadonlyMap<string, number>): { id: string; state: LifecycleState }[] {
  const changes: { id: string; state: LifecycleState }[] = [];
  for (const d of decisions) {
    if (!d.subject.lifecycle) continue;
    let state = d.state;
    const seq = seqOf.get(d.subject.id);
    if (d.emit?.kind === "matched" && state.state === "firing" && seq !== undefined) state = { ...state, fired_seq: seq };
    if (!sameState(state, d.subject.state)) changes.push({ id: d.subject.id, state });
  }
  return changes;
}

const sameState = (a: LifecycleState, b: LifecycleState): boolean =>
  a.state === b.state &&
  a.holds === b.holds &&
  a.fails === b.fails &&
  a.suppressed === b.suppressed &&
  a.last_matched_at === b.last_matched_at &&
  a.fired_seq === b.fired_seq;
