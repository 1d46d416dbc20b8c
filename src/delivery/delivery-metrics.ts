// The delivery worker's Prometheus metrics, registered on the registry the app serves at /metrics.
// Counters of what this node settled, not gauges read from the outbox: a scrape must not scan every partition.
import { Counter, Histogram, type Registry } from "prom-client";

export interface DeliveryMetrics {
  /** One per send attempt; `outcome`: delivered | retry | failed | lease-lost. */
  attempts: Counter<"channel" | "outcome">;
  /** Deliveries that reached a final status on this node: delivered | failed | cancelled. */
  deliveries: Counter<"status">;
  /** Rows settled without a send: fallbacks acked in time, deleted or disabled subscriptions, pruned alerts. */
  settled: Counter;
  /** Webhook endpoints this node disabled after WEBHOOK_DISABLE_AFTER_MS of failures. */
  disabled: Counter;
  sendSeconds: Histogram<"channel">;
}

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const registers = [registry];
  return {
    attempts: new Counter({ name: "dashwatch_delivery_attempts_total", help: "Webhook and email send attempts", labelNames: ["channel", "outcome"], registers }),
    deliveries: new Counter({ name: "dashwatch_deliveries_total", help: "Deliveries that reached a final status, by status", labelNames: ["status"], registers }),
    settled: new Counter({ name: "dashwatch_delivery_settled_unsent_total", help: "Outbox rows cancelled or failed without a send", registers }),
    disabled: new Counter({ name: "dashwatch_webhook_endpoints_disabled_total", help: "Webhook subscriptions disabled after failing for WEBHOOK_DISABLE_AFTER_MS", registers }),
    sendSeconds: new Histogram({
      name: "dashwatch_delivery_send_seconds",
      help: "Time one webhook or email send took",
      labelNames: ["channel"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}
