// Each dashboard's subscriptions as this node's last ingest left them, so the next ingest on the same head
// need not read them again (a round trip, and at 1 000 subscriptions 1.7 ms of CPU).
//
// Sound because every change of what judging reads (a rule, baseline, lifecycle, state, enabled, the last
// notified snapshot, the subscriber or its fallback) appends an event, which moves the dashboard's head:
// created, updated, deleted, disabled, or an ingest. The optimistic judge already relies on the same
// invariant. An entry is only used for the head it was made at; another node's write misses it.
import type { JudgedSubscription } from "./ingest-reads.js";
import { createWeightedLru } from "./weighted-lru.js";

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
  const entries = createWeightedLru<string, { head: number; subscriptions: readonly JudgedSubscription[] }>(maxSubscriptions);
  return {
    get(dashboardId, head) {
      const hit = entries.get(dashboardId);
      return hit?.head === head ? hit.subscriptions : undefined;
    },
    set: (dashboardId, head, subscriptions) => entries.set(dashboardId, { head, subscriptions }, subscriptions.length),
  };
}
