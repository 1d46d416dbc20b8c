// Two hub processes on one PostgreSQL and one Redis, behind a TCP proxy that plays the load balancer.
// The SDK's session lives on node B while snapshots are posted to A and B in turn (A's reach B through
// Redis); B is killed, the proxy sends the reconnect to A, and the consumer still ends with the log,
// every seq once, in order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record, Recorder, until } from "../../client-sdk/test/helpers.js";
import { readLog } from "./helpers/hub-api.js";
import { publishSnapshots } from "./helpers/publisher.js";
import { useRealHub } from "./helpers/real-hub-context.js";
import { expectSameStream } from "./helpers/stream-check.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy.js";

const SNAPSHOTS = 60;
const KILL_AFTER = 20;

const t = useRealHub({ nodes: 2, redis: true });
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await startTcpProxy(t.nodes[1]!.url);
});

afterAll(async () => {
  await proxy?.close();
});

describe("failover from one hub node to another", () => {
  it("resumes on node A after node B dies, with every seq exactly once, in order", async () => {
    const [nodeA, nodeB] = [t.nodes[0]!, t.nodes[1]!];
    // Persona topics on the shared Redis are not per database either: a persona unique to this run.
    const persona = `alice-${randomUUID().slice(0, 8)}`;
    const id = await t.dashboard("failover", { alertsFor: persona });
    const client = t.client(persona, { url: proxy.url });
    const states = record(client, "state");
    const dashboard = new Recorder(client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } }));
    const alerts = new Recorder(client.subscribe(`persona:${persona}`, { since: { [id]: 0 } }));

    let failedOver: Promise<void> | undefined;
    const report = await publishSnapshots({
      targets: () => [nodeA.url, nodeB.url],
      token: t.admin,
      dashboardId: id,
      count: SNAPSHOTS,
      async onAccepted(i) {
        if (i !== KILL_AFTER - 1) return;
        await until(() => dashboard.events.length > KILL_AFTER && alerts.events.length > 0, "the consumer is live on node B", 20_000);
        failedOver = nodeB.crash().then(() => proxy.retarget(nodeA.url));
      },
    });
    await failedOver;

    const log = await readLog(nodeA.url, t.admin, id);
    const personaLog = await readLog(nodeA.url, t.admin, id, persona);
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
