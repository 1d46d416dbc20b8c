// Baselines through ingest: last_notified and at_offset_ms judge (and send) the diff from their baseline,
// name it in baseline_snapshot_id, and the log gives back the same alert as the live one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await setupDashboard(t, "bl-seed");
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const T0 = Date.parse("2026-02-01T00:00:00Z");
let n = 0;

async function fixture(baseline: unknown) {
  const id = `bl-${n++}`;
  await setupDashboard(t, id);
  const sub = await t.call("POST", `/api/dashboard/${id}/subscriptions`, {
    token: admin,
    body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { value_delta_pct: 0.5, on_field: "score" }, baseline },
  });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  const post = async (score: number, takenAtMs: number) => {
    const res = await t.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body: { rows: [{ id: "a", score }, { id: "b", score: 1 }], taken_at: new Date(takenAtMs).toISOString() } });
    expect(res.status).toBe(201);
    return res.body as { snapshot_id: string; alerts: { seq: number }[] };
  };
  const published = (seq: number) => t.published.find((e) => e.event.dashboard_id === id && e.event.seq === seq)!.event;
  const logged = async (seq: number) => (await t.call("GET", `/api/dashboard/${id}/events?after_seq=${seq - 1}&limit=1`, { token: admin })).body.events[0];
  return { id, post, published, logged };
}

describe("baselines through ingest", () => {
  it("last_notified judges against the snapshot of the last alert, previous before the first", async () => {
    const f = await fixture("last_notified");
    await f.post(100, T0);
    const first = await f.post(200, T0 + HOUR); // +100 % against the previous: alerts
    expect(first.alerts).toHaveLength(1);
    expect((await f.post(260, T0 + 2 * HOUR)).alerts).toEqual([]); // +30 % against the alerted 200
    const second = await f.post(320, T0 + 3 * HOUR); // +60 % against 200, +23 % against the previous
    expect(second.alerts).toHaveLength(1);
    const event = f.published(second.alerts[0]!.seq);
    expect(event.data).toMatchObject({ baseline_snapshot_id: first.snapshot_id, snapshot_id: second.snapshot_id });
    expect(event.data.previous_snapshot_id).not.toBe(first.snapshot_id);
    expect((event.data.diff as { row_value_deltas: unknown[] }).row_value_deltas).toEqual([{ id: "a", field: "score", from: 200, to: 320, delta: 120, delta_pct: 0.6 }]);
    expect(await f.logged(event.seq)).toEqual(event);
  });

  it("at_offset_ms judges against the latest snapshot that old, and nothing when there is none", async () => {
    const f = await fixture({ at_offset_ms: 2 * HOUR });
    const s1 = await f.post(100, T0);
    expect((await f.post(140, T0 + HOUR)).alerts).toEqual([]); // nothing 2 h old: neither holds nor fails
    const s3 = await f.post(160, T0 + 2 * HOUR); // against s1 (taken exactly 2 h before): +60 %
    expect(s3.alerts).toHaveLength(1);
    const event = f.published(s3.alerts[0]!.seq);
    expect(event.data).toMatchObject({ baseline_snapshot_id: s1.snapshot_id });
    expect((event.data.diff as { row_value_deltas: { from: number; to: number }[] }).row_value_deltas[0]).toMatchObject({ from: 100, to: 160 });
    // The snapshot's own diff (against the one before) is unchanged, and the log gives the alert back whole.
    expect((f.published(s3.alerts[0]!.seq - 1).data.diff as { row_value_deltas: { from: number }[] }).row_value_deltas[0]!.from).toBe(140);
    const logged = await f.logged(event.seq);
    expect(logged).toEqual(event);
    expect(JSON.stringify(logged.data.diff)).toBe(JSON.stringify(event.data.diff));
  });
});
