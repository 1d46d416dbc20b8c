// CONTRACT "Limits and hardening, version 2": row ids of at most 256 characters, taken_at at most 5 minutes
// ahead of the hub's clock. Both sides of each boundary; a refusal changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupDashboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const CLOCK = new Date("2030-06-01T12:00:00.000Z");
let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ now: () => CLOCK });
  admin = await setupDashboard(t, "lim");
});
afterAll(() => t.close());

const post = (body: unknown) => t.call("POST", "/api/dashboard/lim/snapshot", { token: admin, body });

describe("row id length", () => {
  it("takes a string id of 256 characters, code points counted, and a number", async () => {
    const astral = "😀".repeat(256); // 512 UTF-16 units, 256 characters
    const res = await post({ rows: [{ id: "a".repeat(256), score: 1 }, { id: astral, score: 2 }, { id: 1e300, score: 3 }] });
    expect(res.status).toBe(201);
  });

  it("refuses 257 characters with 422 at the id's pointer, and stores nothing", async () => {
    const before = await stateOf(t, admin, "lim");
    const res = await post({ rows: [{ id: "ok", score: 1 }, { id: "b".repeat(257), score: 2 }, { id: "😀".repeat(257), score: 3 }] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { pointer: "/rows/1/id", detail: "must be at most 256 characters" },
      { pointer: "/rows/2/id", detail: "must be at most 256 characters" },
    ]);
    expect(await stateOf(t, admin, "lim")).toEqual(before);
  });
});

describe("taken_at ahead of the hub's clock", () => {
  it("takes exactly 5 minutes ahead", async () => {
    const res = await post({ rows: [{ id: "x", score: 1 }], taken_at: new Date(CLOCK.getTime() + 5 * 60_000).toISOString() });
    expect(res.status).toBe(201);
  });

  it("refuses 5 minutes and 1 ms ahead with 422 at /taken_at, and stores nothing", async () => {
    const before = await stateOf(t, admin, "lim");
    const res = await post({ rows: [{ id: "x", score: 2 }], taken_at: "2030-06-01T12:05:00.001Z" });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].pointer).toBe("/taken_at");
    expect(res.body.errors[0].detail).toMatch(/more than 5 minutes ahead/);
    expect(await stateOf(t, admin, "lim")).toEqual(before);
  });

  it("measures ahead of the injected clock, not the machine's", async () => {
    // Year 9999 is far ahead of any clock; a year-2030 time is ahead of the machine's but not of CLOCK.
    expect((await post({ rows: [{ id: "x", score: 3 }], taken_at: "9999-01-01T00:00:00Z" })).status).toBe(422);
    expect((await post({ rows: [{ id: "x", score: 3 }], taken_at: "2030-06-01T12:05:00.000Z" })).status).toBe(201);
  });

  it("refuses a taken_at before year 1 (PostgreSQL has no year 0) with 422 at /taken_at, not a 500", async () => {
    const before = await stateOf(t, admin, "lim");
    for (const takenAt of ["0000-06-01T00:00:00Z", "0001-01-01T00:30:00+01:00"]) {
      const res = await post({ rows: [{ id: "x", score: 4 }], taken_at: takenAt });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].pointer).toBe("/taken_at");
      expect(res.body.errors[0].detail).toMatch(/from year 0001 to 9999/);
    }
    expect(await stateOf(t, admin, "lim")).toEqual(before);
  });
});
