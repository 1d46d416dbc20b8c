// Throughput of the whole path (fake hub → socket → lanes → delivery → app) over loopback.
// Run: npx vitest bench --run client-sdk/bench
import { afterAll, beforeAll, bench, describe } from "vitest";
import { createClient, type Client } from "../src/index.js";
import { FakeHub } from "../test/fake-hub.js";
import { until } from "../test/helpers.js";

const EVENTS = 5000;
let hub: FakeHub;
let client: Client;
let round = 0;

beforeAll(async () => {
  hub = await FakeHub.start();
  client = createClient({ url: hub.url, getToken: () => hub.issue("alice") });
});

afterAll(async () => {
  client.close();
  await hub.close();
});

async function subscribed(): Promise<{ id: string; channel: string }> {
  const id = `bench-${++round}`;
  const channel = `dashboard:${id}`;
  hub.createDashboard(id);
  return { id, channel };
}

describe(`${EVENTS} events, one dashboard`, () => {
  bench("to an event listener", async () => {
    const { id, channel } = await subscribed();
    const sub = client.subscribe(channel);
    let last = 0;
    const done = new Promise<void>((resolve) =>
      sub.on("event", (event) => {
        last = event.seq;
        if (last === EVENTS) resolve();
      }),
    );
    await until(() => hub.sessions.some((s) => s.channels.has(channel)), "subscribed", 10_000);
    for (let i = 0; i < EVENTS; i++) hub.append(id, "snapshot.created");
    await done;
    sub.unsubscribe();
  });

  bench("through the async iterator", async () => {
    const { id, channel } = await subscribed();
    const sub = client.subscribe(channel);
    await until(() => hub.sessions.some((s) => s.channels.has(channel)), "subscribed", 10_000);
    for (let i = 0; i < EVENTS; i++) hub.append(id, "snapshot.created");
    for await (const event of sub) if (event.seq === EVENTS) break;
    sub.unsubscribe();
  });
});
