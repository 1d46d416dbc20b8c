// alert.resolved travels like alert.matched: on the persona channel with prev_seq chaining both kinds, in
// ?persona= pages, and a replay with `since` sends the frames live fan-out sent. An alert with its own
// diff (a baseline other than the snapshot before) replays byte for byte too.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/protocol/event.js";
import type { Store } from "../../src/store/store.js";
import type { Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

const T0 = Date.parse("2026-04-01T00:00:00Z");

async function ingest(store: Store, dashboardId: string, ids: string[], minute: number): Promise<LogEntry[]> {
  const result = await store.ingestSnapshot({
    dashboardId,
    rows: ids.map((id, i) => ({ id, score: i * 10 + minute })),
    primaryMetric: null,
    takenAt: new Date(T0 + minute * 60_000),
    actor: "test",
  });
  if (!result.ok) throw new Error(result.error);
  return result.value.entries;
}

async function subscribe(store: Store, dashboardId: string, persona: string, extra: Record<string, unknown>) {
  await store.createSubscription(
    { dashboard_id: dashboardId, subscriber_kind: "persona", subscriber_id: persona, threshold_json: { set_added_min: 1 }, fallback: null, owner: persona, ...extra },
    { secret: null, fallback_secret: null },
    persona,
  );
}

describe("alert.resolved on persona channels", () => {
  const t = hubTestContext("pr");
  let h: Harness;

  it("chains prev_seq over both kinds, live and replayed alike, and ?persona keeps both", async () => {
    h = await t.start();
    const d = await t.newDashboard();
    await subscribe(h.store, d, "alice", { lifecycle: { for_snapshots: 1, resolve: true, resolve_after_snapshots: 1, cooldown_ms: 0 } });
    await subscribe(h.store, d, "alice", { baseline: { at_offset_ms: 120_000 }, threshold_json: { value_delta_pct: 0.01, on_field: "score" } });
    await ingest(h.store, d, ["a"], 0);
    const alice = await h.client("alice");
    await alice.subscribe("persona:alice");
    const live: LogEntry[] = [];
    for (const [ids, minute] of [[["a", "b"], 1], [["a"], 2], [["a", "c"], 3], [["a"], 4]] as const) {
      const entries = await ingest(h.store, d, [...ids], minute);
      live.push(...entries);
      await h.hub.publish(entries);
    }
    const alerts = live.filter((e) => e.persona === "alice");
    // Snapshot by snapshot: the resolving subscription first (created first), then the at_offset one.
    const M = "alert.matched";
    const R = "alert.resolved";
    expect(alerts.map((e) => e.event.kind)).toEqual([M, R, M, M, M, R, M]);
    await alice.waitUntil(() => alice.events().length === alerts.length);
    const frames = alice.events();
    expect(frames.map((f) => f.seq)).toEqual(alerts.map((e) => e.event.seq));
    expect(frames.map((f) => f.prev_seq)).toEqual([0, ...alerts.slice(0, -1).map((e) => e.event.seq)]);
    const resolved = frames.filter((f) => f.kind === "alert.resolved");
    expect(resolved.length).toBe(2);
    expect(resolved.every((f) => typeof (f.data as { fired_seq: unknown }).fired_seq === "number")).toBe(true);
    // An own-diff alert (at_offset_ms) is among them, naming its baseline.
    expect(frames.some((f) => f.kind === "alert.matched" && (f.data as { baseline_snapshot_id: unknown }).baseline_snapshot_id !== (f.data as { previous_snapshot_id: unknown }).previous_snapshot_id)).toBe(true);

    const replayer = await h.client("alice");
    await replayer.subscribe("persona:alice", { [d]: 0 });
    await replayer.waitUntil(() => replayer.events().length === alerts.length);
    expect(replayer.events()).toEqual(frames);
    const livePage = await h.store.readEvents(d, { afterSeq: 0, limit: 1000, persona: "alice" });
    expect(livePage.entries.map((e) => e.event.kind)).toEqual(alerts.map((e) => e.event.kind));
    expect(livePage.entries.map((e) => e.prev_seq)).toEqual(frames.map((f) => f.prev_seq));
  });
});
