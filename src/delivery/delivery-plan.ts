// What to do with a claimed outbox row, decided from the rows it refers to. Pure: no clock, no I/O.
import type { HubEvent } from "../protocol/event.js";
import { readAlertData } from "./alert-data.js";
import type { DeliveryJob } from "./delivery-channel.js";
import type { ClaimedRow } from "../store/delivery-store.js";

export type { ClaimedRow };

export type Plan = { kind: "send"; job: DeliveryJob } | { kind: "skip" | "fail"; id: string; why: string };

/** `at`: the claim's time, which decides whether a rotated-out secret still signs. */
export function planDelivery(row: ClaimedRow, at: Date): Plan {
  const { delivery: d, event, subscription: sub } = row;
  // A deleted subscription has withdrawn its consent to be called, retries included.
  if (sub === null) return { kind: "skip", id: d.id, why: "the subscription was deleted" };
  if (!sub.enabled) return { kind: "skip", id: d.id, why: "the subscription is disabled" };
  // The fallback question is asked once, when it falls due; after that the alert is on its way and retries finish it.
  if (d.reason === "fallback" && d.attempts === 0 && row.ackedSeq >= d.seq) {
    return { kind: "skip", id: d.id, why: `acknowledged in time (acked seq ${row.ackedSeq})` };
  }
  if (event === null) return { kind: "fail", id: d.id, why: "the alert event is no longer in the log (retention)" };
  const alert = readAlertData(event);
  if (alert === null) return { kind: "fail", id: d.id, why: `event ${d.dashboardId}:${d.seq} is not an alert event` };

  const secret = d.channel === "email" ? null : d.reason === "fallback" ? sub.fallbackSecret : sub.secret;
  // Rotation covers the subscription's own secret; a fallback secret is not rotated.
  const overlapping = d.channel === "webhook" && d.reason === "direct" && sub.previousSecretUntil !== null && sub.previousSecretUntil > at;
  const previousSecret = overlapping ? sub.previousSecret : null;
  return {
    kind: "send",
    job: {
      id: d.id,
      channel: d.channel,
      reason: d.reason,
      target: d.target,
      attempt: d.attempts,
      secret,
      previousSecret,
      dashboard: { id: d.dashboardId, name: row.dashboard?.name ?? null, topN: row.dashboard?.topN ?? 10 },
      event,
      alert,
    },
  };
}
