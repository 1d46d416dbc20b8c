// A resolving lifecycle under 20 concurrent posts across two hub processes on one PostgreSQL: whatever the
// interleaving, the log fires and resolves exactly as the state machine says for the order it committed,
// which is what a backtest over the stored history replays.
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { useHubProcesses } from "../helpers/use-hub-processes.js";

/** Even posts add an id of their own (a hold against any other), odd ones are the bare row (a fail or unchanged). */
const rowsFor = (i: number) => (i % 2 === 0 ? [{ id: "base" }, { id: `n${i}` }] : [{ id: "base" }]);

interface LogEvent {
  seq: number;
  kind: string;
  data: { subscription_id?: string; snapshot_id?: string; fired_seq?: number; trace?: unknown };
}

describe("lifecycle on two hub processes", () => {
  const hubs = useHubProcesses();

  it("appends one alert.matched per firing and one alert.resolved per resolution", async () => {
    const nodes = await hubs.start(2, { timeoutMs: 60_000 });
    const token = await mintToken(TEST_SECRET, { sub: "admin-1", roles: ["admin"] });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const call = async (node: number, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${nodes[node]!.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    expect((await call(0, "POST", "/api/dashboard", { id: "lc" })).status).toBe(201);
    const rule = { set_added_min: 1 };
    const sub = await call(1, "POST", "/api/dashboard/lc/subscriptions", { subscriber_kind: "persona", subscriber_id: "admin-1", threshold_json: rule, lifecycle: { resolve: true } });
    expect(sub.status).toBe(201);
    expect((await call(0, "POST", "/api/dashboard/lc/snapshot", { rows: [{ id: "base" }] })).status).toBe(201);

    const posts = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2, "POST", "/api/dashboard/lc/snapshot", { rows: rowsFor(i) })));
    expect(posts.map((p) => p.status)).toEqual(Array(20).fill(201));

    const log: LogEvent[] = (await call(1, "GET", "/api/dashboard/lc/events?limit=1000")).body.events;
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    // The state machine over the committed order: each snapshot's content against the one before it.
    const snapshots = log.filter((e) => e.kind === "snapshot.created").map((e) => e.data.snapshot_id!);
    const contents = new Map<string, string>();
    for (const [i, p] of posts.entries()) contents.set(p.body.snapshot_id, JSON.stringify(rowsFor(i)));
    let state: "ok" | "firing" = "ok";
    let firedSeq: number | null = null;
    const expected: string[] = [];
    for (let k = 1; k < snapshots.length; k++) {
      const before = contents.get(snapshots[k - 1]!) ?? JSON.stringify([{ id: "base" }]);
      const now = contents.get(snapshots[k]!)!;
      if (before === now) continue; // unchanged: neither holds nor fails
      const holds = now.includes('"n');
      if (state === "ok" && holds) [state, expected[expected.length]] = ["firing", `matched@${snapshots[k]}`];
      else if (state === "firing" && !holds) [state, expected[expected.length]] = ["ok", `resolved@${snapshots[k]}`];
    }
    const alerts = log.filter((e) => e.kind === "alert.matched" || e.kind === "alert.resolved");
    expect(alerts.map((e) => `${e.kind.slice(6)}@${e.data.snapshot_id}`)).toEqual(expected);
    expect(alerts.length).toBeGreaterThan(1);
    for (const e of alerts) {
      if (e.kind === "alert.matched") firedSeq = e.seq;
      else expect(e.data.fired_seq).toBe(firedSeq);
    }
    const shown = (await call(0, "GET", "/api/dashboard/lc/subscriptions")).body.subscriptions[0];
    expect(shown.state).toBe(state);

    // The same history backtested gives the same firings.
    const bt = await call(0, "POST", "/api/dashboard/lc/backtest", { threshold_json: rule, lifecycle: { resolve: true } });
    expect(bt.body.firings.map((f: { kind: string; snapshot_id: string }) => `${f.kind}@${f.snapshot_id}`)).toEqual(expected);
  }, 120_000);
});
