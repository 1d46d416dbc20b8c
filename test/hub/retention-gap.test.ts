// A retention pass with a short clock, then clients resuming from seqs it pruned: a `retention` gap that
// is not recoverable, then every event still in the log, in order.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createRetention } from "../../src/retention.js";
import { commitEvents, createDashboard, createTestStore, startHarness } from "./helpers/hub-harness.js";

const DAY = 86_400_000;

describe("resume after a retention pass", () => {
  it("answers a resume from a pruned seq with a retention gap, recoverable false, then the kept events", async () => {
    let clock = Date.parse("2024-03-01T00:00:00Z");
    const now = () => new Date(clock);
    const testStore = await createTestStore({ now });
    const h = await startHarness({ store: testStore.store });
    try {
      await createDashboard(h.store, "kept");
      await commitEvents(h.store, "kept", 4);
      clock += 3 * DAY;
      await commitEvents(h.store, "kept", 2);
      clock += 1 * DAY;
      const retention = createRetention({ store: h.store, eventRetentionDays: 2, snapshotRetentionDays: null, logger: pino({ level: "silent" }), now });
      expect(await retention.runOnce()).toMatchObject({ events: 4 });

      for (const since of [0, 2]) {
        const c = await h.client(`resumer-${since}`);
        expect(await c.subscribe("dashboard:kept", { kept: since })).toMatchObject({ recovered: false });
        await c.waitUntil(() => c.events().length === 2);
        expect(c.gaps()).toEqual([
          { type: "gap", channel: "dashboard:kept", dashboard_id: "kept", from_seq: since + 1, to_seq: 4, reason: "retention", recoverable: false },
        ]);
        expect(c.events().map((e) => e.seq)).toEqual([5, 6]);
      }
    } finally {
      await h.close();
      await testStore.close();
    }
  });
});
