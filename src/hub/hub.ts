// The WebSocket hub: accepts upgrades, runs sessions, fans committed entries out through the broker, and
// keeps clients whole across broker outages. Outage policy: while the broker is down, every feed is caught
// up from the log every `outagePollMs` (and this node's own publishes reach its clients directly); on
// "up", once more, and failed publishes go out again from the log. A catch-up reads at most
// `maxCatchUpPages` pages per dashboard; a longer one becomes `gap {reason: "broker_outage",
// recoverable: true}` for the client to replay over HTTP.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { pino, type Logger } from "pino";
import { Registry } from "prom-client";
import type { Broker, BrokerState } from "../broker/broker.js";
import type { LogEntry } from "../protocol/event.js";
import type { GapReason } from "../protocol/frames.js";
import type { Store } from "../store/store.js";
import { createChannelIndex } from "./channel-index.js";
import { createCoalescer } from "./coalesce.js";
import { createDeadlines } from "./deadlines.js";
import { createFanOut } from "./fan-out.js";
import { validateHubConfig, type HubConfig } from "./hub-config.js";
import { createHubMetrics } from "./hub-metrics.js";
import { createLogReader } from "./log-reader.js";
import { createRawSocketServer, writableRaw } from "./raw-socket.js";
import { startReconciler } from "./reconcile.js";
import type { VerifyToken } from "../principal.js";
import { Session } from "./session.js";
import { watchShardOutages } from "./shard-outage.js";

export interface HubTuning {
  /** While the broker is down, feeds are caught up from the log this often. Default 2000. */
  outagePollMs?: number;
  /** Failed publishes are retried this often while the broker is up. Default 1000. */
  republishIntervalMs?: number;
  /** Default 4 (pages of replayPageSize). */
  maxCatchUpPages?: number;
  /** Live entries a busy feed holds before it falls back to reading the log. Default 1000. */
  inboxLimit?: number;
  /** Persona channels: alerts up to this long before a subscription count as new on first sight. Default 5000. */
  firstSightSkewMs?: number;
  /** How long close() lets queued frames drain before 1001. Default 5000. */
  drainTimeoutMs?: number;
  /** Default 10000. */
  maxUnpublishedDashboards?: number;
  /** A republished range goes out once more this long after, for nodes that came back later. Default 3000. */
  republishEchoMs?: number;
  /** Feeds are checked against the log heads this often (see reconcile.ts). Default 5000. */
  reconcileMs?: number;
  /** A feed behind the head is caught up only if still behind this long after. Default 1000. */
  reconcileGraceMs?: number;
  /** The clock of token deadlines and the ops limit (ms). Default Date.now. */
  now?: () => number;
}

export interface HubDeps {
  store: Pick<Store, "getDashboard" | "readEvents" | "recordAck" | "followedHeads" | "hasPersonaSubscription">;
  broker: Broker;
  verifyToken: VerifyToken;
  config: HubConfig;
  logger?: Logger;
  /** The registry served at /metrics; a private one when absent. */
  metrics?: Registry;
  tuning?: HubTuning;
}

export interface HubStats {
  connections: number;
  subscriptions: number;
  channels: number;
  /** Bytes written to sockets and not yet flushed, over all connections. */
  queuedBytes: number;
  /** Live entries held by busy feeds. */
  pendingEntries: number;
  brokerState: BrokerState;
  unpublishedDashboards: number;
}

export interface Hub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Call after the ingest transaction commits; never rejects. */
  publish(entries: LogEntry[]): Promise<void>;
  close(): Promise<void>;
  stats(): HubStats;
}

export function createHub(deps: HubDeps): Hub {
  validateHubConfig(deps.config);
  const { config, broker, store } = deps;
  const tuning = deps.tuning ?? {};
  const logger = deps.logger ?? pino({ level: "silent" });
  const metrics = createHubMetrics(deps.metrics ?? new Registry());
  const reader = createLogReader(store);
  const index = createChannelIndex(broker, logger, (t) => metrics.publishToSend.observe(Math.max(0, Date.now() - t) / 1000));
  const fanOut = createFanOut({
    broker,
    store,
    index,
    logger,
    pageSize: config.replayPageSize,
    maxUnpublishedDashboards: tuning.maxUnpublishedDashboards ?? 10_000,
    echoAfterMs: tuning.republishEchoMs,
  });
  const reconciler = startReconciler({ store, feeds: () => index.feeds(), logger, intervalMs: tuning.reconcileMs, graceMs: tuning.reconcileGraceMs });
  const wss = createRawSocketServer({ maxPayload: config.wsMaxFrameBytes });
  const sessions = new Set<Session>();
  // Insertion-ordered: the first is the oldest connection still waiting for its auth frame.
  const pending = new Set<Session>();
  const now = tuning.now ?? Date.now;
  const deadlines = createDeadlines<Session>(now, (session) => session.deadlinePassed());
  const perPersona = new Map<string, number>();
  let closing = false;
  let outagePoll: NodeJS.Timeout | undefined;
  // The first "up" of a broker still connecting at start is a connect, not a reconnect.
  let everUp = broker.state === "up";

  const catchUpAll = () => {
    for (const feed of index.feeds()) feed.requestCatchUp();
  };

  function onBrokerState(state: BrokerState) {
    if (closing) return;
    if (state === "down") {
      outagePoll ??= setInterval(catchUpAll, tuning.outagePollMs ?? 2000);
      return;
    }
    clearInterval(outagePoll);
    outagePoll = undefined;
    if (everUp) metrics.brokerReconnects.inc();
    everUp = true;
    void fanOut.republish();
    catchUpAll();
  }
  broker.onStateChange(onBrokerState);
  if (broker.state === "down") onBrokerState("down");

  const shardOutage = watchShardOutages({ broker, index, pollMs: tuning.outagePollMs ?? 2000, onLiveAgain: () => void fanOut.republish() });

  const heartbeat = setInterval(() => {
    for (const session of sessions) session.heartbeat();
  }, config.heartbeatMs);
  const republishTimer = setInterval(() => {
    if (broker.state === "up") void fanOut.republish();
  }, tuning.republishIntervalMs ?? 1000);
  heartbeat.unref();
  republishTimer.unref();

  const context = {
    config,
    store,
    reader,
    index,
    verifyToken: deps.verifyToken,
    logger,
    metrics,
    writer: {
      budgetBytes: config.wsOutboundBudgetBytes,
      slowCloseMs: config.wsSlowCloseMs,
      coalescer: createCoalescer(),
      onEventWritten: () => void metrics.tally.delivered++,
      onEventDropped: () => void metrics.tally.dropped++,
      onGap: (reason: GapReason) => metrics.gaps.inc({ reason }),
    },
    now,
    deadlines,
    feed: {
      inboxLimit: tuning.inboxLimit ?? 1000,
      maxCatchUpPages: tuning.maxCatchUpPages ?? 4,
      firstSightSkewMs: tuning.firstSightSkewMs ?? 5000,
    },
    admit(persona: string) {
      const n = perPersona.get(persona) ?? 0;
      if (n >= config.wsMaxConnectionsPerPersona) return false;
      perPersona.set(persona, n + 1);
      return true;
    },
    release(persona: string) {
      const n = (perPersona.get(persona) ?? 1) - 1;
      if (n > 0) perPersona.set(persona, n);
      else perPersona.delete(persona);
    },
    onAuthenticated(session: Session) {
      pending.delete(session);
    },
    onDisposed(session: Session) {
      pending.delete(session);
      if (sessions.delete(session)) metrics.connections.dec();
    },
  };

  return {
    handleUpgrade(req, socket, head) {
      if (closing) {
        socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closing) {
          ws.close(1001, "shutting down");
          return;
        }
        if (!writableRaw(ws)) {
          ws.close(1011, "compression is not supported");
          return;
        }
        if (pending.size >= config.wsMaxPending) pending.values().next().value!.evict();
        const session = new Session(ws, socket, context);
        sessions.add(session);
        pending.add(session);
        metrics.connections.inc();
      });
    },
    publish: (entries) => fanOut.publish(entries),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      clearInterval(republishTimer);
      clearInterval(outagePoll);
      reconciler.stop();
      shardOutage.close();
      fanOut.close();
      const drainMs = tuning.drainTimeoutMs ?? 5000;
      await Promise.all([...sessions].map((s) => s.shutdown(drainMs)));
      deadlines.close();
      await index.clear();
      wss.close();
    },
    stats() {
      let subscriptions = 0;
      let queuedBytes = 0;
      let pendingEntries = 0;
      for (const s of sessions) {
        subscriptions += s.subscriptionCount;
        queuedBytes += s.queuedBytes;
        pendingEntries += s.pendingEntries;
      }
      return {
        connections: sessions.size,
        subscriptions,
        channels: index.channelCount,
        queuedBytes,
        pendingEntries,
        brokerState: broker.state,
        unpublishedDashboards: fanOut.unpublishedDashboards,
      };
    },
  };
}
