// The delivery worker's Prometheus metrics, registered on the registry the app serves at /metrics.
import { Counter, Histogram, type Registry } from "prom-client";

export interface DeliveryMetrics {
  /** One per send attempt; `outcome`: delivered | retry | failed | lease-lost. */
  attempts: Counter<"channel" | "outcome">;
  /** Rows settled without a send: fallbacks acked in time, deleted subscriptions, pruned alerts. */
  settled: Counter;
  sendSeconds: Histogram<"channel">;
}

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const registers = [registry];
  return {
    attempts: new Counter({ name: "dashwatch_delivery_attempts_total", help: "Webhook and email send attempts", labelNames: ["channel", "outcome"], registers }),
    settled: new Counter({ name: "dashwatch_delivery_settled_unsent_total", help: "Outbox rows skipped or failed without a send", registers }),
    sendSeconds: new Histogram({
      name: "dashwatch_delivery_send_seconds",
      help: "Time one webhook or email send took",
      labelNames: ["channel"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}
