// The audit report's ledger sections: per alert where it went and whether it was seen, and per subscription
// how its deliveries ended, with the success rate.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await createTestApp({ webhookAllowPrivate: true });
  admin = await setupDashboard(t, "aud");
  const alice = await t.token({ sub: "alice" });
  const rule = { value_delta_pct: 0, on_field: "score" };
  ids.hook = (await t.call("POST", "/api/dashboard/aud/subscriptions", { token: alice, body: { subscriber_kind: "webhook", subscriber_id: "http://127.0.0.1:9/secretPath", threshold_json: rule } })).body.id;
  ids.alice = (await t.call("POST", "/api/dashboard/aud/subscriptions", { token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: rule } })).body.id;
  for (let n = 0; n < 4; n++) await t.call("POST", "/api/dashboard/aud/snapshot", { token: admin, body: { rows: leaderboard({ a: n }) } });
});
afterAll(() => t.close());

describe("audit report, ledger sections", () => {
  it("lists each alert with its deliveries and whether its persona acked it, and a success rate per subscription", async () => {
    const { deliveries: rows } = await t.store.listDeliveries("aud", { owner: null, limit: 10 });
    expect(rows).toHaveLength(3);
    // Three webhook deliveries: one delivered, one failed, one still pending.
    await t.database.db.execute(sql`update deliveries set status = 'delivered' where dashboard_id = 'aud' and id = ${rows[0]!.id}`);
    await t.database.db.execute(sql`update deliveries set status = 'failed' where dashboard_id = 'aud' and id = ${rows[1]!.id}`);
    const personaSeqs = (await t.call("GET", "/api/dashboard/aud/events?persona=alice", { token: admin })).body.events.map((e: { seq: number }) => e.seq);
    expect(personaSeqs).toHaveLength(3);
    // Alice acks her second alert, which covers the first too; the third stays unseen.
    await t.store.recordAck("alice", "aud", personaSeqs[1], "s1");

    const report = (await t.call("GET", "/api/dashboard/aud/audit", { token: admin })).body;
    expect(report.deliveries_by_subscription).toEqual([{ subscription_id: ids.hook, deliveries: 3, delivered: 1, failed: 1, cancelled: 0, pending: 1, success_rate: 0.5 }]);
    const persona = report.alerts.filter((a: { subscriber_kind: string }) => a.subscriber_kind === "persona");
    expect(persona.map((a: { seq: number; seen: boolean }) => [a.seq, a.seen])).toEqual([
      [personaSeqs[0], true],
      [personaSeqs[1], true],
      [personaSeqs[2], false],
    ]);
    const hooks = report.alerts.filter((a: { subscriber_kind: string }) => a.subscriber_kind === "webhook");
    expect(hooks.map((a: { deliveries: { status: string }[]; seen: null }) => [a.deliveries.map((d) => d.status), a.seen])).toEqual([
      [["delivered"], null],
      [["failed"], null],
      [["pending"], null],
    ]);
    expect(JSON.stringify(report)).not.toContain("secretPath");
    const html = await (await t.app.request("/api/dashboard/aud/audit?format=html", { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(html).toContain("<td>50.0 %</td>");
    expect(html).toContain("<td>webhook (direct): failed</td>");
    expect(html).not.toContain("secretPath");
  });
});
