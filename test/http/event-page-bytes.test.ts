// Events pages bounded in bytes (CONTRACT "Limits and hardening, version 2"): a page stops before its JSON
// would pass MAX_PAGE_BYTES, next_after_seq continues exactly, and an event larger than the bound comes alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { DEFAULT_MAX_PAGE_BYTES } from "../../src/http/page-bytes.js";
import { setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { bigData, fillLogVia } from "../hub/helpers/big-log.js";
import { sql } from "drizzle-orm";

const BOUND = 64 * 1024;
const EVENT = 20_000;
const kind = sql`'subscription.deleted'`;

let small: TestApp;
let admin: string;
beforeAll(async () => {
  small = await createTestApp({ maxPageBytes: BOUND });
  admin = await setupDashboard(small, "p");
  await fillLogVia(small.database, "p", 20, kind, bigData(EVENT));
  await setupDashboard(small, "huge");
  await fillLogVia(small.database, "huge", 2, kind, bigData(10));
  await fillLogVia(small.database, "huge", 1, kind, bigData(100_000));
  await fillLogVia(small.database, "huge", 2, kind, bigData(10));
});
afterAll(() => small.close());

/** Every page from after_seq=0 to the head, with its body's size in bytes. */
async function pages(t: TestApp, token: string, id: string) {
  const out: { seqs: number[]; bytes: number; next: number }[] = [];
  let after = 0;
  for (let i = 0; i < 100; i++) {
    const res = await t.app.request(`/api/dashboard/${id}/events?limit=1000&after_seq=${after}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { events: { seq: number }[]; next_after_seq: number; head_seq: number };
    if (body.events.length === 0) {
      expect(body.next_after_seq).toBe(after);
      return out;
    }
    const seqs = body.events.map((e) => e.seq);
    expect(body.next_after_seq).toBe(seqs[seqs.length - 1]);
    out.push({ seqs, bytes: Buffer.byteLength(text), next: body.next_after_seq });
    after = body.next_after_seq;
  }
  throw new Error("paging did not end");
}

describe("events pages bounded in bytes", () => {
  it("stops a page before it passes the bound, and not much before; next_after_seq continues with every event once", async () => {
    const seen = await pages(small, admin, "p");
    expect(seen.flatMap((p) => p.seqs)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const p of seen) expect(p.bytes).toBeLessThanOrEqual(BOUND);
    // Three ~20 KB events fit in 64 KiB and a fourth does not: the bound is what cuts, not a guess far below it.
    expect(seen.map((p) => p.seqs.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
  });

  it("sends an event larger than the bound alone, and moves on after it", async () => {
    const seen = await pages(small, admin, "huge");
    expect(seen.map((p) => p.seqs)).toEqual([[1, 2], [3], [4, 5]]);
    expect(seen[1]!.bytes).toBeGreaterThan(BOUND);
    expect(seen[0]!.bytes).toBeLessThanOrEqual(BOUND);
  });

  it("keeps the count limit as well", async () => {
    const res = await small.call("GET", "/api/dashboard/p/events?limit=2", { token: admin });
    expect(res.body.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(res.body.next_after_seq).toBe(2);
  });
});

describe("MAX_PAGE_BYTES", () => {
  it("defaults to 8 MiB and takes 1024 bytes or more", () => {
    expect(loadConfig({}).maxPageBytes).toBe(DEFAULT_MAX_PAGE_BYTES);
    expect(DEFAULT_MAX_PAGE_BYTES).toBe(8388608);
    expect(loadConfig({ MAX_PAGE_BYTES: "1024" }).maxPageBytes).toBe(1024);
    expect(() => loadConfig({ MAX_PAGE_BYTES: "1023" })).toThrow(ConfigError);
  });
});

describe("events pages at the default bound (8 MiB)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("pages six ~3 MiB events two by two, each page under 8 MiB", async () => {
    const token = await setupDashboard(t, "d");
    await fillLogVia(t.database, "d", 6, kind, bigData(3 * 1024 * 1024));
    const seen = await pages(t, token, "d");
    expect(seen.map((p) => p.seqs)).toEqual([[1, 2], [3, 4], [5, 6]]);
    for (const p of seen) expect(p.bytes).toBeLessThanOrEqual(DEFAULT_MAX_PAGE_BYTES);
  });
});
