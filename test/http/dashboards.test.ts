import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
let publisher: string;
let reader: string;
beforeAll(async () => {
  t = await createTestApp();
  [admin, publisher, reader] = await Promise.all([
    t.token({ sub: "root", roles: ["admin"] }),
    t.token({ sub: "pub", roles: ["publisher"] }),
    t.token({ sub: "alice" }),
  ]);
});
afterAll(() => t.close());

describe("dashboards", () => {
  it("creates a dashboard and shows defaults for unset fields", async () => {
    const res = await t.call("POST", "/api/dashboard", { token: publisher, body: { id: "sales" } });
    expect(res.status).toBe(201);
    const got = await t.call("GET", "/api/dashboard/sales", { token: reader });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: "sales", name: null, id_field: "id", rank_by: null, top_n: 10, primary_metric_field: null,
      metadata: { snapshot_policy: "manual" }, source_url: null, head_seq: 0, latest_snapshot_id: null, owner: "pub",
    });
    expect(Date.parse(got.body.created_at)).not.toBeNaN();
  });

  it("answers 409 for an existing id and keeps the first", async () => {
    await t.call("POST", "/api/dashboard", { token: admin, body: { id: "dup", name: "first" } });
    const again = await t.call("POST", "/api/dashboard", { token: admin, body: { id: "dup", name: "second" } });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(again.body.type).toMatch(/\/conflict$/);
    expect((await t.call("GET", "/api/dashboard/dup", { token: admin })).body.name).toBe("first");
  });

  it("refuses bad ids and settings with pointers", async () => {
    const res = await t.call("POST", "/api/dashboard", { token: admin, body: { id: "Bad Id", top_n: 0, metadata: { snapshot_policy: "sometimes" } } });
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(["/id", "/metadata/snapshot_policy", "/top_n"]);
  });

  it("accepts hourly and cron snapshot policies", async () => {
    for (const [id, policy] of [["hourly-d", "hourly"], ["cron-d", "*/5 * * * *"]]) {
      const res = await t.call("POST", "/api/dashboard", { token: admin, body: { id, metadata: { snapshot_policy: policy } } });
      expect(res.status).toBe(201);
    }
  });

  it("lets only publishers and admins create or patch", async () => {
    expect((await t.call("POST", "/api/dashboard", { token: reader, body: { id: "nope" } })).status).toBe(403);
    expect((await t.call("GET", "/api/dashboard/nope", { token: admin })).status).toBe(404);
  });

  it("keeps a metadata given at creation, with the default policy shown where it has none", async () => {
    await t.call("POST", "/api/dashboard", { token: publisher, body: { id: "meta", metadata: { team: "ops" } } });
    expect((await t.call("GET", "/api/dashboard/meta", { token: reader })).body.metadata).toEqual({ snapshot_policy: "manual", team: "ops" });
    await t.call("POST", "/api/dashboard", { token: publisher, body: { id: "meta-hourly", metadata: { snapshot_policy: "hourly" } } });
    expect((await t.call("GET", "/api/dashboard/meta-hourly", { token: reader })).body.metadata).toEqual({ snapshot_policy: "hourly" });
  });

  it("patches settings but never the id", async () => {
    await t.call("POST", "/api/dashboard", { token: publisher, body: { id: "patchme" } });
    const ok = await t.call("PATCH", "/api/dashboard/patchme", { token: publisher, body: { name: "Patch me", top_n: 5, rank_by: "score" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "Patch me", top_n: 5, rank_by: "score" });
    const idChange = await t.call("PATCH", "/api/dashboard/patchme", { token: admin, body: { id: "other" } });
    expect(idChange.status).toBe(422);
    expect(idChange.body.errors[0].pointer).toBe("/id");
    expect((await t.call("PATCH", "/api/dashboard/missing", { token: admin, body: { name: "x" } })).status).toBe(404);
  });

  it("refuses lowering top_n below a rule's top_n_reordering", async () => {
    await t.call("POST", "/api/dashboard", { token: admin, body: { id: "topn", top_n: 10 } });
    const sub = await t.call("POST", "/api/dashboard/topn/subscriptions", {
      token: admin,
      body: { subscriber_kind: "persona", subscriber_id: "root", threshold_json: { top_n_reordering: 8 } },
    });
    expect(sub.status).toBe(201);
    expect((await t.call("PATCH", "/api/dashboard/topn", { token: admin, body: { top_n: 5 } })).status).toBe(409);
    expect((await t.call("PATCH", "/api/dashboard/topn", { token: admin, body: { top_n: 8 } })).status).toBe(200);
  });
});
