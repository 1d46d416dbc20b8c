// Each dashboard's subscriptions as this node's last ingest left them, so the next ingest on the same head
// need not read them again (a round trip, and at 1 000 subscriptions 1.7 ms of CPU).
//
// Sound because every change of what judging reads (a rule, baseline, lifecycle, state, enabled, the last
// notified snapshot, the subscriber or its fallback) appends an event, which moves the dashboard's head:
// created, updated, deleted, disabled, or an ingest. The optimistic judge already relies on the same
// invariant. An entry is only used for the head it was made at; another node's write misses it.
import type { JudgedSubscription } from "./ingest-reads.js";

export interface SubscriptionCache {
  /** The subscriptions at `head`, or undefined when this node does not know them at that head. */
  get(dashboardId: string, head: number): readonly JudgedSubscription[] | undefined;
  set(dashboardId: string, head: number, subscriptions: readonly JudgedSubscription[]): void;
}

/**
 * Bounded by the subscriptions held, `maxSubscriptions` in all (20 000, a few MB), least recently used
 * dashboard out first; a dashboard with more than that is not kept.
 */
export function createSubscriptionCache(maxSubscriptions = 20_000): SubscriptionCache {
  const entries = new Map<string, { head: number; subscriptions: readonly JudgedSubscription[] }>();
  let held = 0;
  const drop = (dashboardId: string) => {
    const old = entries.get(dashboardId);
    if (!old) return;
    entries.delete(dashboardId);
    held -= old.subscriptions.length;
  };
  return {
    get(dashboardId, head) {
      const hit = entries.get(dashboardId);
      if (!hit || hit.head !== head) return undefined;
      entries.delete(dashboardId);
      entries.set(dashboardId, hit);
      return hit.subscriptions;
    },
    set(dashboardId, head, subscriptions) {
      drop(dashboardId);
      if (subscriptions.length > maxSubscriptions) return;
      entries.set(dashboardId, { head, subscriptions });
      held += subscriptions.length;
      for (const oldest of entries.keys()) {
        if (held <= maxSubscriptions) break;
        drop(oldest);
      }
    },
  };
}
