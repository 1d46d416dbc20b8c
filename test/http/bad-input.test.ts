import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, setupDashboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ maxRows: 50, maxBodyBytes: 4096 });
  admin = await setupDashboard(t, "strict");
  await t.call("POST", "/api/dashboard/strict/snapshot", { token: admin, body: { rows: leaderboard({ a: 1 }) } });
});
afterAll(() => t.close());

const postRaw = (raw: string, headers: Record<string, string> = {}) =>
  t.call("POST", "/api/dashboard/strict/snapshot", { token: admin, raw, headers: { "content-type": "application/json", ...headers } });

interface Case {
  name: string;
  raw: string;
  status: number;
  slug: string;
  pointer?: string;
}

const cases: Case[] = [
  { name: "truncated JSON", raw: '{"rows": [', status: 400, slug: "malformed-json" },
  { name: "a number that parses to Infinity", raw: '{"rows": [{"id": "a", "score": 1e400}]}', status: 422, slug: "validation", pointer: "/rows/0/score" },
  { name: "a NUL character", raw: '{"rows": [{"id": "a\\u0000b"}]}', status: 422, slug: "validation", pointer: "/rows/0/id" },
  { name: "a lone surrogate", raw: '{"rows": [{"id": "a", "note": "\\ud800"}]}', status: 422, slug: "validation", pointer: "/rows/0/note" },
  { name: "a lone surrogate in a member name", raw: '{"rows": [{"id": "a", "\\udc00": 1}]}', status: 422, slug: "validation", pointer: "/rows/0/\udc00" },
  { name: "nesting too deep", raw: `{"rows": [{"id": "a", "x": ${"[".repeat(40)}${"]".repeat(40)}}]}`, status: 422, slug: "validation" },
  { name: "a row without an id", raw: '{"rows": [{"id": "a"}, {"score": 2}]}', status: 422, slug: "validation", pointer: "/rows/1/id" },
  { name: "an id that is neither string nor number", raw: '{"rows": [{"id": true}]}', status: 422, slug: "validation", pointer: "/rows/0/id" },
  { name: "a duplicate id, at the later row", raw: '{"rows": [{"id": "a"}, {"id": 1}, {"id": "a"}]}', status: 422, slug: "validation", pointer: "/rows/2/id" },
  { name: "rows that are not an array", raw: '{"rows": {}}', status: 422, slug: "validation", pointer: "/rows" },
  { name: "a body that is not an object", raw: "[1,2]", status: 422, slug: "validation", pointer: "" },
  { name: "a non-numeric primary metric", raw: '{"rows": [], "primary_metric": "12"}', status: 422, slug: "validation", pointer: "/primary_metric" },
  { name: "a bad taken_at", raw: '{"rows": [], "taken_at": "yesterday"}', status: 422, slug: "validation", pointer: "/taken_at" },
  { name: "more rows than MAX_ROWS", raw: JSON.stringify({ rows: Array.from({ length: 51 }, (_, i) => ({ id: i })) }), status: 413, slug: "payload-too-large" },
  { name: "a body over MAX_BODY_BYTES", raw: JSON.stringify({ rows: [{ id: "a", pad: "x".repeat(5000) }] }), status: 413, slug: "payload-too-large" },
];

describe("bad snapshot input", () => {
  it.each(cases)("refuses $name and changes nothing", async ({ raw, status, slug, pointer }) => {
    const before = await stateOf(t, admin, "strict");
    const res = await postRaw(raw);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.type.endsWith(`/${slug}`)).toBe(true);
    if (pointer !== undefined) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await stateOf(t, admin, "strict")).toEqual(before);
  });

  it("enforces the body limit on a chunked body with no content-length", async () => {
    const big = JSON.stringify({ rows: [{ id: "a", pad: "x".repeat(8000) }] });
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 1000) controller.enqueue(new TextEncoder().encode(big.slice(i, i + 1000)));
        controller.close();
      },
    });
    const res = await t.app.request("/api/dashboard/strict/snapshot", {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
      body: stream,
      // @ts-expect-error: undici needs duplex for a streamed body
      duplex: "half",
    });
    expect(res.status).toBe(413);
  });

  it("answers 404 for an unknown dashboard and query errors at /query/<name>", async () => {
    expect((await t.call("POST", "/api/dashboard/nowhere/snapshot", { token: admin, body: { rows: [] } })).status).toBe(404);
    const bad = await t.call("GET", "/api/dashboard/strict/events?limit=1001&kinds=nope", { token: admin });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/query/kinds", "/query/limit"]);
    const audit = await t.call("GET", "/api/dashboard/strict/audit?format=pdf", { token: admin });
    expect(audit.status).toBe(422);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After past RATE_LIMIT_PER_MIN writes", async () => {
    const limited = await createTestApp({ rateLimitPerMin: 3 });
    try {
      const token = await limited.token({ sub: "busy", roles: ["admin"] });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.call("POST", "/api/dashboard", { token, body: { id: `rl-${i}` } })).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const res = await limited.call("POST", "/api/dashboard", { token, body: { id: "rl-x" } });
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await limited.call("GET", "/api/dashboard/rl-x", { token })).status).toBe(404);
    } finally {
      await limited.close();
    }
  });
});
