// A delivery job built by hand, for channel tests that need no database.
import { readAlertData } from "../../../src/delivery/alert-data.js";
import type { ChannelKind, DeliveryJob } from "../../../src/delivery/delivery-channel.js";
import type { HubEvent } from "../../../src/protocol/event.js";

export function sampleJob(channel: ChannelKind, target: string, secret: string | null = null): DeliveryJob {
  const event: HubEvent = {
    dashboard_id: "contract",
    seq: 7,
    kind: "alert.matched",
    at: "2024-01-01T00:00:00.000Z",
    actor: "publisher",
    data: {
      subscription_id: "00000000-0000-4000-8000-000000000001",
      subscriber_kind: channel,
      subscriber_id: target,
      snapshot_id: "00000000-0000-4000-8000-00000000000b",
      previous_snapshot_id: "00000000-0000-4000-8000-00000000000a",
      diff: {
        top_n_changes: [{ id: "x", from_rank: 2, to_rank: 1 }],
        row_value_deltas: [{ id: "x", field: "score", from: 8, to: 10, delta: 2, delta_pct: 0.25 }],
        id_set_added: [],
        id_set_removed: [],
        primary_metric_delta_pct: null,
        counts: { top_n_changes: 1, row_value_deltas: 1, id_set_added: 0, id_set_removed: 0 },
      },
      trace: { node: "set_added_min", matched: true },
    },
  };
  const alert = readAlertData(event);
  if (!alert) throw new Error("sample event is not an alert");
  return { id: "sample", channel, reason: "direct", target, attempt: 0, secret, dashboard: { id: "contract", name: "Contract", topN: 10 }, event, alert };
}
