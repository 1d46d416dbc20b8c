// Two hub processes on one PostgreSQL and one Redis, behind a TCP proxy that plays the load balancer.
// The SDK's session lives on node B while snapshots are posted to A and B in turn (A's reach B through
// Redis); B is killed, the proxy sends the reconnect to A, and the consumer still ends with the log,
// every seq once, in order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "../../client-sdk/src/index.js";
import { record, Recorder, until } from "../../client-sdk/test/helpers.js";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createPostgresDatabase } from "../helpers/test-database.js";
import { createDashboard, readLog, subscribeEverySnapshot } from "./helpers/hub-api.js";
import { HubNode } from "./helpers/hub-node.js";
import { publishSnapshots } from "./helpers/publisher.js";
import { expectSameStream } from "./helpers/stream-check.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SNAPSHOTS = 60;
const KILL_AFTER = 20;

let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
let nodeA: HubNode;
let nodeB: HubNode;
let proxy: TcpProxy;
let client: Client | undefined;

beforeAll(async () => {
  db = await createPostgresDatabase();
  [nodeA, nodeB] = await Promise.all([
    HubNode.start({ databaseUrl: db.url, redisUrl: REDIS_URL }),
    HubNode.start({ databaseUrl: db.url, redisUrl: REDIS_URL }),
  ]);
  proxy = await startTcpProxy(nodeB.url);
});

afterAll(async () => {
  client?.close();
  await proxy?.close();
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await db?.drop();
});

describe("failover from one hub node to another", () => {
  it("resumes on node A after node B dies, with every seq exactly once, in order", async () => {
    // Redis is shared by every test run on this machine and its topics are not per database: a unique id.
    const id = `failover-${randomUUID().slice(0, 8)}`;
    const persona = `alice-${id}`;
    const admin = await mintToken(TEST_SECRET, { sub: "publisher-1", roles: ["admin"] });
    await createDashboard(nodeA.url, admin, id);
    await subscribeEverySnapshot(nodeA.url, admin, id, persona);

    client = createClient({ url: proxy.url, getToken: () => mintToken(TEST_SECRET, { sub: persona }), backoff: { minMs: 50, maxMs: 500 } });
    const states = record(client, "state");
    const dashboard = new Recorder(client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } }));
    const alerts = new Recorder(client.subscribe(`persona:${persona}`, { since: { [id]: 0 } }));

    let failedOver: Promise<void> | undefined;
    const report = await publishSnapshots({
      targets: () => [nodeA.url, nodeB.url],
      token: admin,
      dashboardId: id,
      count: SNAPSHOTS,
      async onAccepted(i) {
        if (i !== KILL_AFTER - 1) return;
        await until(() => dashboard.events.length > KILL_AFTER && alerts.events.length > 0, "the consumer is live on node B", 20_000);
        failedOver = nodeB.crash().then(() => proxy.retarget(nodeA.url));
      },
    });
    await failedOver;

    const log = await readLog(nodeA.url, admin, id);
    const personaLog = await readLog(nodeA.url, admin, id, persona);
    await until(() => dashboard.events.at(-1)?.seq === log.at(-1)!.seq, "the dashboard subscription reaches the head", 30_000);
    await until(() => alerts.events.at(-1)?.seq === personaLog.at(-1)!.seq, "the persona subscription reaches the last alert", 30_000);

    expect(proxy.routed[0]).toBe(nodeB.url);
    expect(proxy.routed.at(-1)).toBe(nodeA.url);
    expect(states).toContain("disconnected");
    expect(report.failedAttempts, "posts to B failed after the kill and went to A").toBeGreaterThan(0);
    expectSameStream(dashboard.events, log);
    expectSameStream(alerts.events, personaLog);
    expect([...dashboard.gaps, ...alerts.gaps]).toEqual([]);
    expect([...dashboard.errors, ...alerts.errors].filter((e) => e.fatal)).toEqual([]);
  }, 60_000);
});
