// GET /api/dashboard: pages of dashboards in id order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const COUNT = 105;
const ids = Array.from({ length: COUNT }, (_, i) => `d${String(i).padStart(3, "0")}`);

let t: TestApp;
let reader: string;
beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.token({ sub: "root", roles: ["admin"] });
  reader = await t.token({ sub: "alice" });
  // Created out of order: the list orders by id, not by creation.
  for (const id of [...ids].reverse()) await t.call("POST", "/api/dashboard", { token: admin, body: { id } });
});
afterAll(() => t.close());

const list = (query = "") => t.call("GET", `/api/dashboard${query}`, { token: reader });

describe("GET /api/dashboard", () => {
  it("answers 100 by default, in id order, with next_after the last id", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.dashboards.map((d: { id: string }) => d.id)).toEqual(ids.slice(0, 100));
    expect(res.body.next_after).toBe("d099");
    expect(res.body.dashboards[0]).toMatchObject({ id: "d000", id_field: "id", top_n: 10, metadata: { snapshot_policy: "manual" }, owner: "root", source_url: null });
  });

  it("walks every dashboard once with after, and ends with next_after null", async () => {
    const seen: string[] = [];
    let after: string | null = "";
    let pages = 0;
    while (after !== null) {
      const res = await list(`?limit=40${after ? `&after=${after}` : ""}`);
      seen.push(...res.body.dashboards.map((d: { id: string }) => d.id));
      after = res.body.next_after;
      pages++;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it("says null when the page is exactly the rest, and lists only ids after `after`", async () => {
    const rest = await list("?after=d099&limit=5");
    expect(rest.body.dashboards.map((d: { id: string }) => d.id)).toEqual(ids.slice(100));
    expect(rest.body.next_after).toBeNull();
    const oneShort = await list("?after=d098&limit=5");
    expect(oneShort.body.next_after).toBe("d103");
    expect((await list("?after=zzz")).body).toEqual({ dashboards: [], next_after: null });
    expect((await list("?after=d0")).body.dashboards[0].id).toBe("d000");
  });

  it("takes limit 1000 and refuses 1001, 0 and words at /query/limit", async () => {
    const max = await list("?limit=1000");
    expect(max.status).toBe(200);
    expect(max.body.dashboards).toHaveLength(COUNT);
    for (const bad of ["1001", "0", "ten"]) {
      const res = await list(`?limit=${bad}`);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/query/limit"]);
    }
    expect((await list("?after=%00")).body.errors[0].pointer).toBe("/query/after");
  });

  it("needs a token, and is in /openapi.json", async () => {
    expect((await t.call("GET", "/api/dashboard")).status).toBe(401);
    const spec = await t.call("GET", "/openapi.json");
    const op = spec.body.paths["/api/dashboard"].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["after", "limit"]);
  });
});
