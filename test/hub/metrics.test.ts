// The per-frame counters are tallies read when /metrics is scraped, and the publish-to-send histogram
// is observed once per event and channel, however many sockets the event went to.
import type { Counter, Histogram } from "prom-client";
import { describe, expect, it } from "vitest";
import { commitEvents } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

describe("hub metrics", () => {
  const t = hubTestContext("m");

  it("counts every event frame written, live and replayed, and times each live event once per channel", async () => {
    const h = await t.start();
    const d = await t.newDashboard();
    await h.hub.publish(await commitEvents(h.store, d, 3));
    const live = [await h.client("a"), await h.client("b")];
    for (const c of live) await c.subscribe(`dashboard:${d}`);
    const resumed = await h.client("c");
    await resumed.subscribe(`dashboard:${d}`, { [d]: 0 });
    await resumed.waitUntil(() => resumed.events().length === 3);

    await h.hub.publish(await commitEvents(h.store, d, 4));
    for (const c of [...live, resumed]) await c.waitUntil(() => c.events().at(-1)?.seq === 7);

    const delivered = h.node.registry.getSingleMetric("dashwatch_ws_events_delivered_total") as Counter;
    const timing = h.node.registry.getSingleMetric("dashwatch_ws_publish_to_send_seconds") as Histogram;
    // 3 replayed to one client, then 4 live to three clients.
    expect((await delivered.get()).values[0]?.value).toBe(3 + 4 * 3);
    const count = (await timing.get()).values.find((v) => v.metricName === "dashwatch_ws_publish_to_send_seconds_count");
    expect(count?.value).toBe(4);
    // A second scrape reports the same total, not the total again.
    expect((await delivered.get()).values[0]?.value).toBe(15);
  });
});
