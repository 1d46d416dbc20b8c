// One 6.7 KB rule (`or` of 255 `top_n_reordering: 1000` leaves) made each matching snapshot write a 6.65 MB
// event; the stored alert is now at most 16 KiB plus its diff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRACE_MAX_BYTES } from "../../src/core/trace-bound.js";
import { setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await setupDashboard(t, "big", { top_n: 1000 });
});
afterAll(() => t.close());

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");
const rows = (order: "up" | "down") => Array.from({ length: 1000 }, (_, i) => ({ id: `row-${i}`, score: order === "up" ? i : 1000 - i }));

describe("the size of an alert", () => {
  it("stays within 16 KiB plus its diff for the 255-leaf top_n 1000 rule", async () => {
    const hostile = { or: Array.from({ length: 255 }, () => ({ top_n_reordering: 1000 })) };
    expect(bytes(hostile)).toBeGreaterThan(6000);
    const sub = await t.call("POST", "/api/dashboard/big/subscriptions", { token: admin, body: { subscriber_kind: "persona", subscriber_id: "admin-1", threshold_json: hostile } });
    expect(sub.status).toBe(201);
    await t.call("POST", "/api/dashboard/big/snapshot", { token: admin, body: { rows: rows("up") } });
    const second = await t.call("POST", "/api/dashboard/big/snapshot", { token: admin, body: { rows: rows("down") } });
    expect(second.body.alerts).toHaveLength(1);

    const page = await t.call("GET", `/api/dashboard/big/events?kinds=alert.matched`, { token: admin });
    const [alert] = page.body.events;
    const { diff, ...withoutDiff } = alert.data;
    expect(diff.counts.top_n_changes).toBeGreaterThan(0);
    expect(bytes({ ...alert, data: withoutDiff })).toBeLessThanOrEqual(16 * 1024);
    expect(bytes(alert.data.trace)).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    expect(alert.data.trace).toMatchObject({ node: "or", matched: true, truncated: true });
    expect(alert.data.trace.children).toHaveLength(255);
    const first = alert.data.trace.children[0];
    // The first leaves keep their decisive value and threshold; 255 of them leave no room for details.
    expect(first).toMatchObject({ node: "top_n_reordering", value: 1, threshold: 1000 });
  });
});
