// The console's reading views in Chromium against a real hub: the dashboard picker (paged), the chart with
// one marker per alert, the diff view between two snapshots, and the rule editor's version 2 members.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, signIn, startBrowserHub, type BrowserHub } from "./browser-hub.js";

/** The picker's page size (picker.js PICKER_PAGE): one more dashboard than that needs "more". */
const PICKER_PAGE = 25;
const BAD_OP = "/threshold_json/or/1/field_compare/op";
const T0 = Date.now() - 60 * 60_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

// Ranked by score, top 3, ids under "name". s2 → s3: bo overtakes ann, cy leaves, ed enters, di's score changes.
const SNAPSHOTS = [
  { taken_at: at(0), primary_metric: 100, rows: [{ name: "ann", score: 90 }, { name: "bo", score: 80 }, { name: "cy", score: 70 }, { name: "di", score: 60 }] },
  { taken_at: at(1), primary_metric: 104, rows: [{ name: "ann", score: 91 }, { name: "bo", score: 80 }, { name: "cy", score: 70 }, { name: "di", score: 60 }] },
  { taken_at: at(2), primary_metric: 130, rows: [{ name: "bo", score: 95 }, { name: "ann", score: 91 }, { name: "ed", score: 65 }, { name: "di", score: 50 }] },
  { taken_at: at(3), primary_metric: 90, rows: [{ name: "ann", score: 99 }, { name: "bo", score: 95 }, { name: "ed", score: 65 }, { name: "di", score: 50 }] },
  { taken_at: at(4), primary_metric: 95, rows: [{ name: "ann", score: 99 }, { name: "bo", score: 96 }, { name: "ed", score: 65 }, { name: "di", score: 50 }] },
];

let env: BrowserHub;
let page: Page;
const snapshotIds: string[] = [];
let alertSeqs: number[] = [];

describe("the console's views", () => {
  beforeAll(async () => {
    env = await startBrowserHub();
    page = env.page;
    const boards = Array.from({ length: PICKER_PAGE }, (_, k) => `board-${String(k).padStart(2, "0")}`);
    const created = await Promise.all(boards.map((id) => env.call("POST", "/api/dashboard", { id })));
    expect(created.map((r) => r.status)).toEqual(boards.map(() => 201));
    const views = await env.call("POST", "/api/dashboard", { id: "views", name: "Views", id_field: "name", rank_by: "score", top_n: 3 });
    expect(views.status).toBe(201);
    const sub = await env.call("POST", "/api/dashboard/views/subscriptions", {
      subscriber_kind: "persona", subscriber_id: "console-tester", threshold_json: { top_n_reordering: 3 },
    });
    expect(sub.status).toBe(201);
    for (const body of SNAPSHOTS) {
      const posted = await env.call("POST", "/api/dashboard/views/snapshot", body);
      expect(posted.status).toBe(201);
      snapshotIds.push(posted.body.snapshot_id);
      alertSeqs.push(...posted.body.alerts.map((a: { seq: number }) => a.seq));
    }
    // s3 (bo overtakes ann, ed for cy) and s4 (ann back on top) reorder the top 3; s2 and s5 do not.
    expect(alertSeqs).toHaveLength(2);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("lists dashboards a page at a time and opens the one picked", async () => {
    await signIn(page, env.hub.url, env.token);
    const options = page.locator('#dash-pick [data-testid="dash-option"]');
    await expect.poll(() => options.count()).toBe(PICKER_PAGE);
    expect(await options.first().getAttribute("value")).toBe("board-00");
    await page.click("#dash-more");
    await expect.poll(() => options.count()).toBe(PICKER_PAGE + 1);
    expect(await page.isHidden("#dash-more")).toBe(true);
    await page.selectOption("#dash-pick", "views");
    await page.waitForSelector("#dash-title:has-text('Views (views)')");
    expect(await page.inputValue("#dashboard-id")).toBe("views");
  });

  it("draws the primary metric with one marker per alert", async () => {
    await page.waitForSelector("#chart canvas");
    const markers = page.locator('[data-testid="chart-marker"]');
    await expect.poll(() => markers.count()).toBe(alertSeqs.length);
    const seqs = await markers.evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.seq)));
    expect(seqs.sort((a, b) => a - b)).toEqual(alertSeqs);
    expect(await page.textContent("#chart-status")).toContain("primary metric over the latest 5 snapshots · 2 alerts matched");
    await page.locator("#chart-card").screenshot({ path: join(ARTIFACTS, "console-chart.png") });
  });

  it("compares two picked snapshots: rows entered, left and moved, changed values highlighted", async () => {
    await page.selectOption("#diff-a", snapshotIds[1]!);
    await page.selectOption("#diff-b", snapshotIds[2]!);
    await page.click("#diff-show");
    await page.waitForSelector('[data-testid="diff-row"]');
    const rows = await page.locator('[data-testid="diff-row"]').evaluateAll((nodes) =>
      nodes.map((n) => `${(n as HTMLElement).dataset.id}:${(n as HTMLElement).dataset.status}`));
    expect(rows).toEqual(["bo:moved", "ann:moved", "ed:entered", "di:same", "cy:left"]);
    const changed = page.locator('[data-testid="diff-row"][data-id="bo"] [data-testid="diff-changed"]');
    expect(await changed.getAttribute("data-field")).toBe("score");
    expect(await changed.textContent()).toBe("95 (+15)");
    expect(await page.locator('[data-id="di"] [data-testid="diff-changed"]').textContent()).toBe("50 (-10)");
    expect(await page.locator('[data-id="ann"] [data-testid="diff-changed"]').count()).toBe(0);
    expect(await page.textContent("#diff-status")).toContain("1 entered · 1 left · 2 moved within top 3 · 2 rows with changed values");
    await page.locator("#diff-card").screenshot({ path: join(ARTIFACTS, "console-diff.png") });
  });

  it("compares a chart point with the snapshot before it when clicked", async () => {
    const box = (await page.locator("#chart .u-over").boundingBox())!;
    // The right edge of the plot is the newest snapshot.
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
    await expect.poll(() => page.inputValue("#diff-b")).toBe(snapshotIds[4]!);
    expect(await page.inputValue("#diff-a")).toBe(snapshotIds[3]!);
    await expect.poll(() => page.textContent("#diff-status")).toContain("0 entered · 0 left · 0 moved");
    expect(await page.locator('[data-id="bo"] [data-testid="diff-changed"]').textContent()).toBe("96 (+1)");
  });

  it("sends a version 2 leaf with baseline and lifecycle and shows the hub's pointer error at the rule", async () => {
    await page.fill("#sub-threshold", JSON.stringify({ or: [{ top_n_reordering: 3 }] }));
    await page.selectOption("#sub-leaf", "field_compare");
    await page.click("#sub-leaf-add");
    const rule = JSON.parse(await page.inputValue("#sub-threshold"));
    expect(rule).toEqual({ or: [{ top_n_reordering: 3 }, { field_compare: { field: "score", op: "gt", value: 100, min_rows: 1 } }] });
    // An operator no hub knows: refused with a pointer inside the new leaf.
    rule.or[1].field_compare.op = "bigger";
    await page.fill("#sub-threshold", JSON.stringify(rule));
    await page.selectOption("#sub-baseline", "at_offset_ms");
    await page.fill("#sub-baseline-offset", "3600000");
    await page.check("#sub-lifecycle-on");
    await page.fill("#sub-for", "2");
    await page.check("#sub-resolve");
    await page.fill("#sub-cooldown", "60000");
    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/dashboard/views/subscriptions")),
      page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/dashboard/views/subscriptions")),
      page.click("#sub-create"),
    ]);
    expect(request.postDataJSON()).toEqual({
      subscriber_kind: "persona", subscriber_id: "console-tester", threshold_json: rule,
      baseline: { at_offset_ms: 3600000 }, lifecycle: { for_snapshots: 2, resolve: true, resolve_after_snapshots: 1, cooldown_ms: 60000 },
    });
    expect(response.status()).toBe(422);
    const problem = await response.json();
    expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toEqual([BAD_OP]);
    expect(await page.locator(`#sub-threshold-error [data-pointer="${BAD_OP}"]`).textContent()).toContain(BAD_OP);
    expect(await page.isHidden("#sub-baseline-error")).toBe(true);
    expect(await page.isHidden("#sub-lifecycle-error")).toBe(true);
    expect(await page.getAttribute("#sub-threshold", "aria-invalid")).toBe("true");
    await page.locator("#subs-card").screenshot({ path: join(ARTIFACTS, "console-rule-editor.png") });
    expect((await env.call("GET", "/api/dashboard/views/subscriptions")).body.subscriptions).toHaveLength(1);
  });

  it("follows live snapshots: a new point and the new alert's marker", async () => {
    const posted = await env.call("POST", "/api/dashboard/views/snapshot", {
      taken_at: at(5), primary_metric: 120, rows: [{ name: "bo", score: 99 }, { name: "ann", score: 98 }, { name: "ed", score: 65 }, { name: "di", score: 50 }],
    });
    expect(posted.body.alerts).toHaveLength(1);
    alertSeqs = [...alertSeqs, posted.body.alerts[0].seq];
    await expect.poll(() => page.locator('[data-testid="chart-marker"]').count()).toBe(3);
    expect(await page.textContent("#chart-status")).toContain("latest 6 snapshots · 3 alerts matched");
    expect(await page.locator(`#diff-b option[value="${posted.body.snapshot_id}"]`).count()).toBe(1);
  });

  it("shows a lifecycle error under the lifecycle inputs", async () => {
    await page.fill("#sub-threshold", JSON.stringify({ enters_top_n: 3 }));
    await page.fill("#sub-for", "101");
    await page.click("#sub-create");
    const error = await page.waitForSelector('#sub-lifecycle-error [data-pointer="/lifecycle/for_snapshots"]');
    expect(await error.textContent()).toContain("/lifecycle/for_snapshots");
    expect(await page.getAttribute("#sub-lifecycle", "aria-invalid")).toBe("true");
    expect(await page.isHidden("#sub-threshold-error")).toBe(true);
  });

  it("creates a subscription with a version 2 leaf, baseline and lifecycle, and lists its state", async () => {
    await page.fill("#sub-for", "2");
    await page.click("#sub-create");
    await expect.poll(() => page.locator('[data-testid="sub-row"]').count()).toBe(2);
    const [created] = (await env.call("GET", "/api/dashboard/views/subscriptions")).body.subscriptions.filter(
      (s: { threshold_json: unknown }) => JSON.stringify(s.threshold_json) === JSON.stringify({ enters_top_n: 3 }));
    expect(created).toMatchObject({ baseline: { at_offset_ms: 3600000 }, lifecycle: { for_snapshots: 2, resolve: true, cooldown_ms: 60000 }, state: "ok" });
    const row = page.locator(`[data-testid="sub-row"][data-id="${created.id}"]`);
    expect(await row.locator('[data-testid="sub-state"]').textContent()).toBe("ok");
    expect(await row.textContent()).toContain("vs 3600000 ms ago · for 2, resolve after 1, cooldown 60000 ms");
  });

  it("kept the page free of errors", async () => {
    await page.screenshot({ path: join(ARTIFACTS, "console-views.png"), fullPage: true });
    expect(env.pageErrors).toEqual([]);
    expect(env.consoleErrors.filter((text) => !text.includes("the server responded with a status of 422"))).toEqual([]);
    expect(env.failedResponses).toEqual(["422 POST /api/dashboard/views/subscriptions", "422 POST /api/dashboard/views/subscriptions"]);
  });
});
