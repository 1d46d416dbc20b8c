// Event frames go straight to the TCP socket (writer.ts). Clients whose TCP connections vanish in the
// middle of a fan-out, with no close handshake, must cost the hub nothing: no crash, no stuck session,
// and every other client still gets every event in order.
import { describe, expect, it } from "vitest";
import { commitEvents, yieldToIo } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

const CLIENTS = 40;
const ROUNDS = 30;

describe("clients that drop without closing", () => {
  const t = hubTestContext("x");

  it("keeps fanning out to the rest and releases the dropped sessions", async () => {
    const h = await t.start();
    const d = await t.newDashboard();
    const clients = [];
    for (let i = 0; i < CLIENTS; i++) {
      const c = await h.client(`u${i}`);
      await c.subscribe(`dashboard:${d}`);
      clients.push(c);
    }
    const dropping = clients.filter((_, i) => i % 2 === 1);
    const staying = clients.filter((_, i) => i % 2 === 0);
    for (let round = 0; round < ROUNDS; round++) {
      await h.hub.publish(await commitEvents(h.store, d, 2));
      // A few vanish each round, between a publish and the flush of its writes.
      for (const c of dropping.splice(0, 1 + (round % 2))) c.ws.terminate();
      await yieldToIo();
    }
    for (const c of dropping) c.ws.terminate();

    const head = (await h.store.getDashboard(d))!.head_seq;
    for (const c of staying) {
      await c.waitUntil(() => c.events().at(-1)?.seq === head);
      expect(c.events().map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    }
    await expect.poll(() => h.hub.stats().connections).toBe(staying.length);
  });
});
