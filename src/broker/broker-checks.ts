// What /health says of the broker: "up", "down" (wholly), or "degraded" (some shards down), plus the
// shard map when the broker has shards. Either way ingest and WebSocket service go on (the log is the truth).
import type { Broker, BrokerState } from "./broker.js";

export interface BrokerChecks {
  broker: BrokerState | "degraded";
  broker_shards?: Record<string, BrokerState>;
}

export function brokerChecks(broker: Broker): BrokerChecks {
  const shards = broker.shards?.states();
  if (!shards) return { broker: broker.state };
  const anyDown = Object.values(shards).includes("down");
  return { broker: broker.state === "down" ? "down" : anyDown ? "degraded" : "up", broker_shards: shards };
}
