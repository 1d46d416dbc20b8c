// The hub's Prometheus metrics, registered on the registry the app serves at /metrics.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface HubMetrics {
  connections: Gauge;
  subscriptions: Gauge;
  delivered: Counter;
  dropped: Counter;
  /** Labelled by GapReason. */
  gaps: Counter<"reason">;
  slowConsumerCloses: Counter;
  brokerReconnects: Counter;
  /** From the publishing node's clock to the write here: cross-node skew shows up in it. */
  publishToSend: Histogram;
}

export function createHubMetrics(registry: Registry): HubMetrics {
  const registers = [registry];
  return {
    connections: new Gauge({ name: "dashwatch_ws_connections", help: "Open WebSocket connections", registers }),
    subscriptions: new Gauge({ name: "dashwatch_ws_subscriptions", help: "Channel subscriptions across connections", registers }),
    delivered: new Counter({ name: "dashwatch_ws_events_delivered_total", help: "Event frames written to sockets", registers }),
    dropped: new Counter({ name: "dashwatch_ws_events_dropped_total", help: "Event frames not written because a connection was over its budget", registers }),
    gaps: new Counter({ name: "dashwatch_ws_gaps_sent_total", help: "Gap frames sent", labelNames: ["reason"], registers }),
    slowConsumerCloses: new Counter({ name: "dashwatch_ws_slow_consumer_closes_total", help: "Connections closed with 4408", registers }),
    brokerReconnects: new Counter({ name: "dashwatch_broker_reconnects_total", help: "Broker down-to-up transitions", registers }),
    publishToSend: new Histogram({
      name: "dashwatch_ws_publish_to_send_seconds",
      help: "Time from publish to the socket write of a live event",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}
