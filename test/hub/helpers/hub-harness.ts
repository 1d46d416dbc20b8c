// A hub on a real HTTP server (127.0.0.1:0) over a real store, with helpers to commit events the way the
// ingest path does: commit in the store, then hand the entries to hub.publish().
import { DEFAULT_SETTINGS } from "../../../src/http/routes/dashboards.js";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Registry } from "prom-client";
import type { Broker } from "../../../src/broker/broker.js";
import { createMemoryBroker } from "../../../src/broker/memory-broker.js";
import { createTokenVerifier } from "../../../src/http/auth.js";
import { mintToken } from "../../../src/http/token.js";
import { DEFAULT_HUB_CONFIG, type HubConfig } from "../../../src/hub/hub-config.js";
import { createHub, type Hub, type HubTuning } from "../../../src/hub/hub.js";
import type { LogEntry } from "../../../src/protocol/event.js";
import type { Store } from "../../../src/store/store.js";
import { createTestStore } from "../../helpers/test-store.js";

export { createTestStore };
import { connectClient, type TestClient } from "./ws-client.js";

const SECRET = "hub-test-secret-0123456789-0123456789";

export interface HubNode {
  hub: Hub;
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

export interface Harness {
  store: Store;
  node: HubNode;
  hub: Hub;
  url: string;
  /** `exp` in seconds since the epoch; default an hour from now. */
  token(sub: string, roles?: string[], exp?: number): Promise<string>;
  /** Opens a connection, authenticates it and waits for welcome. */
  client(sub: string, roles?: string[]): Promise<TestClient>;
  /** Another hub node on the same store (and the given broker). */
  startNode(o: { broker: Broker; config?: Partial<HubConfig>; tuning?: HubTuning }): Promise<HubNode>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<HubConfig>;
  tuning?: HubTuning;
  broker?: Broker;
  /** A store shared by the tests of a file (a fresh database costs about a second); the harness leaves it open. */
  store?: Store;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const testStore = o.store ? null : await createTestStore();
  const store = o.store ?? testStore!.store;
  const verifyToken = createTokenVerifier({ secret: SECRET, jwksUrl: null, issuer: null, audience: null });
  const nodes: HubNode[] = [];
  const brokers: Broker[] = [];

  async function startNode(n: { broker: Broker; config?: Partial<HubConfig>; tuning?: HubTuning }): Promise<HubNode> {
    const registry = new Registry();
    const hub = createHub({
      store,
      broker: n.broker,
      verifyToken,
      config: { ...DEFAULT_HUB_CONFIG, ...n.config },
      logger: pino({ level: process.env.HUB_TEST_LOG ?? "silent" }),
      metrics: registry,
      tuning: n.tuning,
    });
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const node: HubNode = {
      hub,
      url: `ws://127.0.0.1:${port}/ws`,
      registry,
      async close() {
        await hub.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
    nodes.push(node);
    return node;
  }

  const broker = o.broker ?? createMemoryBroker();
  if (!o.broker) brokers.push(broker);
  const node = await startNode({ broker, config: o.config, tuning: o.tuning });
  const token = (sub: string, roles: string[] = [], exp?: number) => mintToken(SECRET, { sub, roles, ...(exp !== undefined ? { expiresIn: exp } : {}) });

  return {
    store,
    node,
    hub: node.hub,
    url: node.url,
    token,
    async client(sub, roles = []) {
      const c = await connectClient(node.url);
      c.send({ op: "auth", token: await token(sub, roles) });
      await c.waitFor((f) => f.type === "welcome");
      return c;
    },
    startNode,
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      await Promise.all(brokers.map((b) => b.close()));
      await testStore?.close();
    },
  };
}

/** Authenticated client on any node. */
export async function clientOn(h: Harness, node: HubNode, sub: string, roles: string[] = []): Promise<TestClient> {
  const c = await connectClient(node.url);
  c.send({ op: "auth", token: await h.token(sub, roles) });
  await c.waitFor((f) => f.type === "welcome");
  return c;
}

export async function createDashboard(store: Store, id: string): Promise<void> {
  const created = await store.createDashboard(id, DEFAULT_SETTINGS);
  if (!created.ok) throw new Error(`dashboard ${id} exists`);
}

let rowCounter = 0;

/** One snapshot that adds a row: appends snapshot.created, plus an alert per matching subscription. */
export async function commitSnapshot(store: Store, dashboardId: string): Promise<LogEntry[]> {
  rowCounter += 1;
  const latest = await store.listSnapshots(dashboardId, 1);
  const found = latest[0] ? await store.getSnapshot(dashboardId, latest[0].id) : null;
  const previous = found?.ok ? found.value.rows : [];
  const result = await store.ingestSnapshot({
    dashboardId,
    rows: [...previous, { id: `r${rowCounter}` }],
    primaryMetric: null,
    takenAt: new Date(),
    actor: "test",
  });
  if (!result.ok) throw new Error(`ingest failed: ${result.error}`);
  return result.value.entries;
}

/**
 * Events whose payload is `bytes` long: a webhook subscription created and logged, its bulk in a rule leaf
 * on a field no row has (events carry a webhook URL only as its origin, so the URL cannot carry it).
 */
export async function commitBigEvent(store: Store, dashboardId: string, bytes: number): Promise<LogEntry[]> {
  const { entries } = await store.createSubscription(
    {
      dashboard_id: dashboardId,
      subscriber_kind: "webhook",
      subscriber_id: "https://example.com/hook",
      threshold_json: { or: [{ set_added_min: 1 }, { value_delta_pct: 1, on_field: "x".repeat(bytes) }] },
      fallback: null,
      owner: "test",
    },
    { secret: null, fallback_secret: null },
    "test",
  );
  return entries;
}

/** A persona subscription that matches every snapshot adding a row. */
export async function subscribePersona(store: Store, dashboardId: string, persona: string): Promise<LogEntry[]> {
  const { entries } = await store.createSubscription(
    {
      dashboard_id: dashboardId,
      subscriber_kind: "persona",
      subscriber_id: persona,
      threshold_json: { set_added_min: 1 },
      fallback: null,
      owner: persona,
    },
    { secret: null, fallback_secret: null },
    persona,
  );
  return entries;
}

/** Small events, as many as asked: subscription.created entries (one transaction each). */
export async function commitEvents(store: Store, dashboardId: string, count: number): Promise<LogEntry[]> {
  const all: LogEntry[] = [];
  for (let i = 0; i < count; i++) all.push(...(await commitBigEvent(store, dashboardId, 8)));
  return all;
}

/**
 * An in-process PGlite can resolve query after query through microtasks alone, starving timers and socket
 * I/O; a loop that commits without pause calls this between rounds (a yield, not a sleep).
 */
export const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
