// The diff view on a snapshot whose rows retention has pruned (410 gone): it says "rows pruned", in
// Chromium against a real hub restarted with SNAPSHOT_RETENTION_DAYS=1 (its first pass runs at start).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, signIn, startBrowserHub, type BrowserHub } from "./browser-hub.js";

const DAY_MS = 24 * 60 * 60_000;
const rows = (score: number) => [{ id: "ann", score }, { id: "bo", score: 50 }];

let env: BrowserHub;
const ids: string[] = [];

describe("the diff view and retention", () => {
  beforeAll(async () => {
    env = await startBrowserHub();
    expect((await env.call("POST", "/api/dashboard", { id: "old", name: "Old", rank_by: "score" })).status).toBe(201);
    const takenAt = [Date.now() - 3 * DAY_MS, Date.now() - 2 * DAY_MS, Date.now() - 60_000];
    for (const [k, t] of takenAt.entries()) {
      const posted = await env.call("POST", "/api/dashboard/old/snapshot", { taken_at: new Date(t).toISOString(), rows: rows(60 + k) });
      expect(posted.status).toBe(201);
      ids.push(posted.body.snapshot_id);
    }
    await env.restart({ SNAPSHOT_RETENTION_DAYS: "1" });
  });

  afterAll(async () => {
    await env?.close();
  });

  it("says the rows were pruned instead of comparing", async () => {
    await expect.poll(async () => (await env.call("GET", `/api/dashboard/old/snapshots/${ids[0]}`)).status, { timeout: 10_000 }).toBe(410);
    const { page } = env;
    await signIn(page, env.hub.url, env.token);
    await page.fill("#dashboard-id", "old");
    await page.click("#dashboard-open");
    await page.waitForSelector(`#diff-a option[value="${ids[0]}"]`, { state: "attached" });
    await page.selectOption("#diff-a", ids[0]!);
    await page.selectOption("#diff-b", ids[2]!);
    await page.click("#diff-show");
    await expect.poll(() => page.textContent("#diff-status")).toContain("rows pruned: snapshot A no longer has its rows");
    expect(await page.locator('[data-testid="diff-row"]').count()).toBe(0);
    // The newest snapshot keeps its rows: a pair without a pruned side still compares.
    await page.selectOption("#diff-a", ids[2]!);
    await page.click("#diff-show");
    await expect.poll(() => page.locator('[data-testid="diff-row"]').count()).toBe(2);
    await page.locator("#diff-card").screenshot({ path: join(ARTIFACTS, "console-diff-pruned.png") });
    expect(env.pageErrors).toEqual([]);
    expect(env.failedResponses).toEqual([`410 GET /api/dashboard/old/snapshots/${ids[0]}`]);
  });
});
