// A persona subscription opened without `since` (the README's first example) whose client loses its
// network before the first alert of a dashboard reaches it. Alerts committed while it is away, after its
// `subscribed`, must still reach the app once it is back: "events reach the application once each ...
// across reconnects". The SDK has no position on that dashboard to resubscribe with, and the hub, on a
// subscription it has never seen, starts 5 s before it (firstSightSkewMs): after an outage longer than
// that, only the SDK can fill them in, from the log, since the time its subscription began (lane.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { record, Recorder, until } from "../../client-sdk/test/helpers.js";
import { metric, readLog } from "./helpers/hub-api.js";
import { defaultSnapshot, publishSnapshots } from "./helpers/publisher.js";
import { useRealHub } from "./helpers/real-hub-context.js";
import { expectSameStream } from "./helpers/stream-check.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy.js";
import { waitFor } from "./helpers/wait-for.js";

/** Longer than the hub's first-sight window (5 s), which would otherwise mask the loss. */
const OUTAGE_MS = 6500;

const t = useRealHub();
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await startTcpProxy(t.node.url);
});

afterAll(async () => {
  await proxy?.close();
});

describe("a persona subscription without since", () => {
  it("delivers the alerts committed while its client was cut off, before it had seen any", async () => {
    const { node, admin } = t;
    const id = await t.dashboard("persona", { alertsFor: "alice" });
    const publish = (from: number, count: number) =>
      publishSnapshots({ targets: () => [node.url], token: admin, dashboardId: id, count, body: (i) => defaultSnapshot(from + i) });
    await publish(0, 1); // the baseline: no alert yet

    const client = t.client("alice", { url: proxy.url, backoff: { minMs: 50, maxMs: 200 } });
    const states = record(client, "state");
    const alerts = new Recorder(client.subscribe("persona:alice"));
    await waitFor(async () => (await metric(node.url, "dashwatch_ws_subscriptions")) >= 1, "the hub has the subscription");

    proxy.partition();
    await until(() => states.at(-1) === "disconnected", "the client notices", 10_000);
    await publish(1, 3);
    const cutAt = Date.now();
    await waitFor(async () => Date.now() - cutAt >= OUTAGE_MS, "an outage longer than the hub's first-sight window", OUTAGE_MS + 2000, 100);
    proxy.heal();
    await until(() => states.at(-1) === "connected", "the client is back", 20_000);
    await waitFor(async () => (await metric(node.url, "dashwatch_ws_subscriptions")) >= 1, "the hub has the subscription again");
    await publish(4, 1);

    const personaLog = await readLog(node.url, admin, id, "alice");
    expect(personaLog).toHaveLength(4);
    await until(() => alerts.events.at(-1)?.seq === personaLog.at(-1)!.seq, "the last alert arrives", 20_000);
    expectSameStream(alerts.events, personaLog);
  }, 60_000);
});
