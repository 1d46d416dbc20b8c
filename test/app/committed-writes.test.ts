// The one path of a committed write, over a real store: what commits is handed on exactly once, and a
// claimed key is completed or released on every path (commit, refusal, skip, throw).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitHook, createCommittedWrites, type Prepared } from "../../src/app/committed-writes.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { LogEntry } from "../../src/protocol/event.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let t: TestStore;
const committed: LogEntry[][] = [];
beforeAll(async () => {
  t = await createTestStore();
  await t.store.createDashboard("writes", { ...DEFAULT_SETTINGS });
});
afterAll(() => t.close());

const writes = () => createCommittedWrites({ store: t.store, onCommitted: (entries) => committed.push(entries) });
const rows = (score: number): Prepared => ({ ingest: { rows: [{ id: "a", score }], primaryMetric: null, takenAt: null, actor: "test" } });
const claim = (key: string) => ({ key, requestHash: `hash-of-${key}` });

describe("createCommittedWrites", () => {
  it("publishes what commits once, and the key answers its retry with the stored response", async () => {
    committed.length = 0;
    const first = await writes().writeSnapshot("writes", claim("k-commit"), () => rows(1));
    expect(first.state).toBe("committed");
    if (first.state !== "committed") return;
    expect(committed).toEqual([first.outcome.entries]);
    expect(first.outcome.entries.map((e) => e.event.kind)).toContain("snapshot.created");

    const retry = await writes().writeSnapshot("writes", claim("k-commit"), () => rows(1));
    expect(retry.state).toBe("done");
    expect(committed, "a retry publishes nothing").toHaveLength(1);
    const reused = await writes().writeSnapshot("writes", { key: "k-commit", requestHash: "another" }, () => rows(1));
    expect(reused).toEqual({ state: "reused" });
  });

  it("writes without a key too", async () => {
    committed.length = 0;
    const write = await writes().writeSnapshot("writes", undefined, () => rows(2));
    expect(write.state).toBe("committed");
    expect(committed).toHaveLength(1);
  });

  it("releases the key of a refused snapshot, publishing nothing", async () => {
    committed.length = 0;
    const early: Prepared = { ingest: { rows: [{ id: "a", score: 3 }], primaryMetric: null, takenAt: new Date("2001-01-01T00:00:00Z"), actor: "test" } };
    const refused = await writes().writeSnapshot("writes", claim("k-refused"), () => early);
    expect(refused).toMatchObject({ state: "refused", refusal: { ok: false, error: "taken-at-before-previous" } });
    expect(committed).toHaveLength(0);
    expect(await t.store.claimIdempotencyKey("writes", "k-refused", "hash-of-k-refused")).toEqual({ state: "claimed" });
  });

  it("releases the key when preparing throws, and rethrows", async () => {
    committed.length = 0;
    const failing = writes().writeSnapshot("writes", claim("k-throws"), () => Promise.reject(new Error("source vanished")));
    await expect(failing).rejects.toThrow("source vanished");
    expect(committed).toHaveLength(0);
    expect(await t.store.claimIdempotencyKey("writes", "k-throws", "hash-of-k-throws")).toEqual({ state: "claimed" });
  });

  it("completes the key with a skip's answer, ingesting nothing", async () => {
    committed.length = 0;
    const skipped = await writes().writeSnapshot("writes", claim("k-skip"), (): Prepared => ({ skip: { status: 502, body: { error: "down" } } }));
    expect(skipped).toEqual({ state: "skipped" });
    expect(committed).toHaveLength(0);
    expect(await t.store.claimIdempotencyKey("writes", "k-skip", "hash-of-k-skip")).toEqual({ state: "done", status: 502, body: { error: "down" } });
  });

  it("answers a key in flight without preparing", async () => {
    await t.store.claimIdempotencyKey("writes", "k-busy", "hash-of-k-busy");
    let prepared = false;
    const busy = await writes().writeSnapshot("writes", claim("k-busy"), () => {
      prepared = true;
      return rows(4);
    });
    expect(busy).toEqual({ state: "in-flight" });
    expect(prepared).toBe(false);
  });

  it("never releases a completed key: it keeps answering retries", async () => {
    await writes().writeSnapshot("writes", claim("k-kept"), () => rows(5));
    await t.store.releaseIdempotencyKey("writes", "k-kept");
    expect(await t.store.claimIdempotencyKey("writes", "k-kept", "hash-of-k-kept")).toMatchObject({ state: "done", status: 201 });
  });
});

describe("deliveriesDue", () => {
  it("is true only when the ingest queued a delivery due now: not for persona fallbacks, not for a disabled webhook", async () => {
    await t.store.createDashboard("due", { ...DEFAULT_SETTINGS });
    const subscribe = (subscriber_kind: "persona" | "webhook", subscriber_id: string, fallback: { after_ms: number; webhook_url: string } | null = null) =>
      t.store.createSubscription(
        { dashboard_id: "due", subscriber_kind, subscriber_id, threshold_json: { value_delta_pct: 0.01, on_field: "score" }, fallback, owner: "o" },
        { secret: subscriber_kind === "webhook" ? "whsec_dGVzdA==" : null, fallback_secret: fallback ? "whsec_dGVzdA==" : null },
        "o",
      );
    const due: boolean[] = [];
    const w = createCommittedWrites({ store: t.store, onCommitted: (_entries, work) => void due.push(work?.deliveriesDue ?? false) });
    await w.writeSnapshot("due", undefined, () => rows(1));
    await subscribe("persona", "p", { after_ms: 60_000, webhook_url: "https://example.com/fallback" });
    await w.writeSnapshot("due", undefined, () => rows(2));
    const hook = await subscribe("webhook", "https://example.com/hook");
    await w.writeSnapshot("due", undefined, () => rows(3));
    await t.store.updateSubscription("due", hook.subscription.id, { enabled: false }, "o", "whsec_dGVzdA==");
    await w.writeSnapshot("due", undefined, () => rows(4));
    expect(due).toEqual([false, false, true, false]);
  });
});

describe("commitHook", () => {
  const entry = (kind: LogEntry["event"]["kind"], data: Record<string, unknown> = {}): LogEntry => ({
    event: { dashboard_id: "writes", seq: 1, kind, at: "2026-01-01T00:00:00.000Z", actor: "test", data },
    persona: null,
    prev_seq: null,
  });

  it("hands every commit to the hub and wakes the worker only for a direct delivery", async () => {
    const published: LogEntry[][] = [];
    const warned: string[] = [];
    let kicks = 0;
    const hook = commitHook({
      hub: { publish: async (entries) => void published.push(entries) },
      deliveries: { kick: () => void kicks++ },
      logger: { warn: (_details, message) => void warned.push(message) },
    });
    hook([entry("snapshot.created")]);
    hook([entry("snapshot.created"), entry("alert.matched", { subscriber_kind: "persona" })], { deliveriesDue: false });
    expect(kicks, "persona alerts wait for their fallback's after_ms").toBe(0);
    // A disabled endpoint's alert is logged with no outbox row: the events alone do not decide.
    hook([entry("alert.matched", { subscriber_kind: "webhook" })], { deliveriesDue: false });
    expect(kicks).toBe(0);
    hook([entry("alert.matched", { subscriber_kind: "webhook" })], { deliveriesDue: true });
    expect(kicks).toBe(1);
    expect(published).toHaveLength(4);
    expect(warned).toEqual([]);
  });

  it("never throws when the hub's publish fails: the log keeps the events", async () => {
    const warned: string[] = [];
    let failed!: () => void;
    const logged = new Promise<void>((resolve) => (failed = resolve));
    const hook = commitHook({
      hub: { publish: () => Promise.reject(new Error("broker down")) },
      deliveries: { kick: () => {} },
      logger: {
        warn: (_details, message) => {
          warned.push(message);
          failed();
        },
      },
    });
    expect(() => hook([entry("snapshot.created")])).not.toThrow();
    await logged;
    expect(warned).toEqual(["publish failed; the log keeps the events"]);
  });
});
