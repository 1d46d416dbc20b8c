// The console's alert views in Chromium against a real hub: each subscription's lifecycle state, the
// alerts of the log on the chart (resolutions apart), and a backtest of the edited rule drawn on the chart.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_SNAPSHOTS, createAlertsDashboard, openDashboard, postAlertHistory, REORDER_RULE, type PostedAlert } from "./alert-history.js";
import { ARTIFACTS, startBrowserHub, type BrowserHub } from "./browser-hub.js";

let env: BrowserHub;
let page: Page;
let alerts: PostedAlert[] = [];
let resolvingId = "";
let plainId = "";

describe("the console's alert views", () => {
  beforeAll(async () => {
    env = await startBrowserHub();
    page = env.page;
    await createAlertsDashboard(env, "alerts");
    const [resolving, plain] = await Promise.all([
      env.call("POST", "/api/dashboard/alerts/subscriptions", { subscriber_kind: "persona", subscriber_id: "console-tester", threshold_json: REORDER_RULE, lifecycle: { resolve: true } }),
      env.call("POST", "/api/dashboard/alerts/subscriptions", { subscriber_kind: "persona", subscriber_id: "someone-else", threshold_json: REORDER_RULE }),
    ]);
    expect([resolving.status, plain.status]).toEqual([201, 201]);
    [resolvingId, plainId] = [resolving.body.id, plain.body.id];
    alerts = await postAlertHistory(env, "alerts");
    // Resolving: fires at s2, resolves at s3, fires at s4; plain: matches at s2 and s4.
    const who = (a: PostedAlert) => `${a.subscription_id === resolvingId ? "resolving" : "plain"} ${a.kind}`;
    expect(alerts.map(who).sort()).toEqual(["plain alert.matched", "plain alert.matched", "resolving alert.matched", "resolving alert.matched", "resolving alert.resolved"]);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("shows each subscription's lifecycle state", async () => {
    await openDashboard(env, "alerts");
    const state = (id: string) => page.locator(`[data-testid="sub-row"][data-id="${id}"] [data-testid="sub-state"]`).textContent();
    await expect.poll(() => state(resolvingId)).toBe("firing");
    expect(await state(plainId)).toBe("—");
  });

  it("marks every alert of the log on the chart, resolutions apart", async () => {
    await expect.poll(() => page.locator('[data-testid="chart-marker"]').count()).toBe(alerts.length);
    expect(await page.locator('[data-testid="chart-marker"][data-kind="alert.resolved"]').count()).toBe(1);
    expect(await page.textContent("#chart-status")).toContain("row count over the latest 4 snapshots · 4 alerts matched, 1 resolved");
  });

  it("draws a backtest of the edited rule on the chart, with its count", async () => {
    await page.click(`[data-testid="sub-row"][data-id="${resolvingId}"] [data-testid="sub-edit"]`);
    expect(JSON.parse(await page.inputValue("#sub-threshold"))).toEqual(REORDER_RULE);
    expect(await page.isChecked("#sub-resolve")).toBe(true);
    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/dashboard/alerts/backtest")),
      page.waitForResponse((r) => r.url().endsWith("/api/dashboard/alerts/backtest")),
      page.click("#sub-backtest"),
    ]);
    expect(request.postDataJSON()).toMatchObject({ threshold_json: REORDER_RULE, lifecycle: { resolve: true }, from: ALERT_SNAPSHOTS[0]!.taken_at });
    expect(response.status()).toBe(200);
    const answer = await response.json();
    expect(answer.firings.map((f: { kind: string }) => f.kind)).toEqual(["matched", "resolved", "matched"]);
    await expect.poll(() => page.locator('[data-testid="backtest-marker"]').count()).toBe(3);
    expect(await page.locator('[data-testid="backtest-marker"][data-kind="resolved"]').count()).toBe(1);
    expect(await page.textContent("#backtest-status")).toContain(`2 matched, 1 resolved over ${answer.evaluated} snapshots`);
    await page.locator("#chart-card").screenshot({ path: join(ARTIFACTS, "console-backtest.png") });
  });

  it("shows a backtest's pointer error at the rule and draws nothing", async () => {
    await page.fill("#sub-threshold", JSON.stringify({ rank_moved_min: 0, within_top_n: 3 }));
    await page.click("#sub-backtest");
    await page.waitForSelector('#sub-threshold-error [data-pointer="/threshold_json/rank_moved_min"]');
    expect(await page.locator('[data-testid="backtest-marker"]').count()).toBe(0);
    expect(await page.textContent("#backtest-status")).toContain("backtest failed");
  });

  // What the ledger shows is tested in console-ledger (it needs the ledger branch's GET .../alerts/:seq);
  // here, that a marker and the log's button open the ledger of their own alert and it settles.
  it("opens the ledger of the alert clicked, from the chart or the event log", async () => {
    const [first, second] = alerts;
    await page.click(`[data-testid="chart-marker"][data-seq="${first!.seq}"]`);
    await page.waitForSelector(`#ledger-card[data-seq="${first!.seq}"]:is([data-state="ready"], [data-state="error"])`);
    expect(await page.textContent("#ledger-title")).toContain(`seq ${first!.seq}`);
    await page.click(`[data-testid="log-row"][data-seq="${second!.seq}"] [data-testid="log-ledger"]`);
    await page.waitForSelector(`#ledger-card[data-seq="${second!.seq}"]:is([data-state="ready"], [data-state="error"])`);
    expect(await page.textContent("#ledger-title")).toContain(`seq ${second!.seq}`);
    await page.click("#ledger-close");
    expect(await page.isHidden("#ledger-card")).toBe(true);
  });

  it("kept the page free of errors", async () => {
    await page.screenshot({ path: join(ARTIFACTS, "console-alerts.png"), fullPage: true });
    expect(env.pageErrors).toEqual([]);
    // Without the ledger branch, GET .../alerts/:seq answers 404 (the card says so); with it, 200.
    const ledgerMissing = (text: string) => / \/api\/dashboard\/alerts\/alerts\/\d+$/.test(text);
    expect(env.consoleErrors.filter((text) => !/the server responded with a status of (422|404)/.test(text))).toEqual([]);
    expect(env.failedResponses.filter((text) => !(text.startsWith("404 GET") && ledgerMissing(text)))).toEqual(["422 POST /api/dashboard/alerts/backtest"]);
  });
});
