// The hub's Prometheus metrics, registered on the registry the app serves at /metrics. The per-frame
// counts are plain numbers bumped on the hot path and handed to prom-client when /metrics is scraped:
// a prom-client inc() (argument checks, a label-hash lookup) per socket write would be the busiest
// code on the path, run once per client per event.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Bumped once per frame; read on scrape. */
export interface HubTally {
  delivered: number;
  dropped: number;
}

export interface HubMetrics {
  connections: Gauge;
  subscriptions: Gauge;
  tally: HubTally;
  /** Labelled by GapReason. */
  gaps: Counter<"reason">;
  slowConsumerCloses: Counter;
  brokerReconnects: Counter;
  /** From the publishing node's clock to this node's last socket write of a live event, once per event and channel. */
  publishToSend: Histogram;
}

/** A counter that reports a tally field, adding what it grew by since the last scrape. */
function tallyCounter(registry: Registry, name: string, help: string, tally: HubTally, field: keyof HubTally): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.inc(tally[field] - reported);
      reported = tally[field];
    },
  });
}

export function createHubMetrics(registry: Registry): HubMetrics {
  const registers = [registry];
  const tally: HubTally = { delivered: 0, dropped: 0 };
  tallyCounter(registry, "dashwatch_ws_events_delivered_total", "Event frames written to sockets", tally, "delivered");
  tallyCounter(registry, "dashwatch_ws_events_dropped_total", "Event frames not written because a connection was over its budget", tally, "dropped");
  return {
    tally,
    connections: new Gauge({ name: "dashwatch_ws_connections", help: "Open WebSocket connections", registers }),
    subscriptions: new Gauge({ name: "dashwatch_ws_subscriptions", help: "Channel subscriptions across connections", registers }),
    gaps: new Counter({ name: "dashwatch_ws_gaps_sent_total", help: "Gap frames sent", labelNames: ["reason"], registers }),
    slowConsumerCloses: new Counter({ name: "dashwatch_ws_slow_consumer_closes_total", help: "Connections closed with 4408", registers }),
    brokerReconnects: new Counter({ name: "dashwatch_broker_reconnects_total", help: "Broker down-to-up transitions", registers }),
    publishToSend: new Histogram({
      name: "dashwatch_ws_publish_to_send_seconds",
      help: "Time from publish to this node's socket writes of a live event, once per event and channel",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}
