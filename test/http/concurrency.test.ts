// seq is contiguous whatever the concurrency: one process, and two hub processes on one PostgreSQL.
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/http/token.js";
import { setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, TEST_SECRET } from "../helpers/test-app.js";
import { useHubProcesses } from "../helpers/use-hub-processes.js";

const rowsFor = (i: number) => Array.from({ length: 20 }, (_, k) => ({ id: `r${k}`, score: (k * 7 + i * 13) % 50 }));

const expectContiguous = (seqs: number[]) => {
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
};

describe("concurrent ingest", () => {
  it("keeps seq 1..N contiguous under 50 simultaneous snapshot POSTs", async () => {
    const t = await createTestApp();
    try {
      const admin = await setupDashboard(t, "race");
      await t.call("POST", "/api/dashboard/race/subscriptions", { token: admin, body: { subscriber_kind: "persona", subscriber_id: "admin-1", threshold_json: { top_n_reordering: 3 } } });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => t.call("POST", "/api/dashboard/race/snapshot", { token: admin, body: { rows: rowsFor(i) } })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      const log = await t.call("GET", "/api/dashboard/race/events?limit=1000", { token: admin });
      expectContiguous(log.body.events.map((e: { seq: number }) => e.seq));
      expect(log.body.events.filter((e: { kind: string }) => e.kind === "snapshot.created")).toHaveLength(50);
      // Each snapshot's diff was taken against the one committed just before it.
      const snaps = log.body.events.filter((e: { kind: string }) => e.kind === "snapshot.created");
      expect(snaps[0].data.diff).toBeNull();
      expect(snaps.slice(1).every((e: { data: { diff: unknown } }) => e.data.diff !== null)).toBe(true);
    } finally {
      await t.close();
    }
  }, 90_000);

  describe("two hub processes on one PostgreSQL", () => {
    const hubs = useHubProcesses();

    it("keeps seq contiguous with no duplicates", async () => {
      const nodes = await hubs.start(2);
      const token = await mintToken(TEST_SECRET, { sub: "pub", roles: ["publisher"] });
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const create = await fetch(`${nodes[0]!.url}/api/dashboard`, { method: "POST", headers, body: JSON.stringify({ id: "shared", rank_by: "score" }) });
      expect(create.status).toBe(201);
      const posts = Array.from({ length: 60 }, (_, i) =>
        fetch(`${nodes[i % 2]!.url}/api/dashboard/shared/snapshot`, { method: "POST", headers, body: JSON.stringify({ rows: rowsFor(i) }) }),
      );
      const statuses = await Promise.all(posts.map(async (p) => (await p).status));
      expect(statuses).toEqual(Array(60).fill(201));
      const log = await (await fetch(`${nodes[1]!.url}/api/dashboard/shared/events?limit=1000`, { headers })).json();
      expectContiguous(log.events.map((e: { seq: number }) => e.seq));
      expect(log.head_seq).toBe(60);
    });
  });
});
