// A dashboard's owner: who may change it, and who sees its source_url.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { leaderboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const SOURCE = "https://source.example.com/feed?key=s3cret";

let t: TestApp;
let admin: string;
let owner: string;
let rival: string;
let reader: string;
beforeAll(async () => {
  t = await createTestApp();
  [admin, owner, rival, reader] = await Promise.all([
    t.token({ sub: "root", roles: ["admin"] }),
    t.token({ sub: "owner", roles: ["publisher"] }),
    t.token({ sub: "rival", roles: ["publisher"] }),
    t.token({ sub: "alice" }),
  ]);
  const created = await t.call("POST", "/api/dashboard", { token: owner, body: { id: "owned", source_url: SOURCE } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
});
afterAll(() => t.close());

describe("dashboard owner", () => {
  it("records the creator as owner", async () => {
    expect((await t.call("GET", "/api/dashboard/owned", { token: reader })).body.owner).toBe("owner");
  });

  it("lets the owner and admins PATCH; another publisher gets 403 and changes nothing", async () => {
    const before = await stateOf(t, admin, "owned");
    const refused = await t.call("PATCH", "/api/dashboard/owned", { token: rival, body: { id_field: "name" } });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/\/forbidden$/);
    expect(await stateOf(t, admin, "owned")).toEqual(before);
    expect((await t.call("PATCH", "/api/dashboard/owned", { token: owner, body: { name: "Mine" } })).status).toBe(200);
    expect((await t.call("PATCH", "/api/dashboard/owned", { token: admin, body: { top_n: 5 } })).body).toMatchObject({ name: "Mine", top_n: 5, owner: "owner" });
  });

  it("keeps the owner's snapshots working when a rival tries to change id_field", async () => {
    const rows = leaderboard({ a: 1, b: 2 });
    expect((await t.call("POST", "/api/dashboard/owned/snapshot", { token: owner, body: { rows } })).status).toBe(201);
    expect((await t.call("PATCH", "/api/dashboard/owned", { token: rival, body: { id_field: "score" } })).status).toBe(403);
    expect((await t.call("POST", "/api/dashboard/owned/snapshot", { token: owner, body: { rows: leaderboard({ a: 3, b: 2 }) } })).status).toBe(201);
  });

  it("shows source_url to the owner and admins only, in every dashboard response", async () => {
    const views = async (token: string) => {
      const got = (await t.call("GET", "/api/dashboard/owned", { token })).body.source_url;
      const listed = (await t.call("GET", "/api/dashboard?limit=1000", { token })).body.dashboards.find((d: { id: string }) => d.id === "owned").source_url;
      return [got, listed];
    };
    expect(await views(owner)).toEqual([SOURCE, SOURCE]);
    expect(await views(admin)).toEqual([SOURCE, SOURCE]);
    expect(await views(rival)).toEqual([null, null]);
    expect(await views(reader)).toEqual([null, null]);
    const created = await t.call("POST", "/api/dashboard", { token: rival, body: { id: "rivals", source_url: SOURCE } });
    expect(created.body.source_url).toBe(SOURCE);
    expect((await t.call("PATCH", "/api/dashboard/rivals", { token: rival, body: { name: "r" } })).body.source_url).toBe(SOURCE);
  });

  it("lets only admins PATCH a dashboard without an owner (made before owners were recorded)", async () => {
    const legacy = await t.store.createDashboard("legacy", { ...DEFAULT_SETTINGS, source_url: SOURCE });
    expect(legacy).toMatchObject({ ok: true, value: { owner: null } });
    expect((await t.call("PATCH", "/api/dashboard/legacy", { token: owner, body: { name: "x" } })).status).toBe(403);
    expect((await t.call("GET", "/api/dashboard/legacy", { token: owner })).body.source_url).toBeNull();
    const patched = await t.call("PATCH", "/api/dashboard/legacy", { token: admin, body: { name: "x" } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "x", owner: null, source_url: SOURCE });
  });
});
