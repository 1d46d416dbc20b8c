// The console in a real browser (Debian's Chromium) against a real hub: token, dashboard, the subscription
// form with its inline pointer errors, and an alert that reaches the page live after a snapshot is posted.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, CHROMIUM, startBrowserHub, type BrowserHub } from "./browser-hub.js";

const BAD_POINTER = "/threshold_json/and/1/value_delta_pct";

let env: BrowserHub;
let page: Page;
let token: string;
const call = (method: string, path: string, body?: unknown) => env.call(method, path, body);

// Fail, never skip: CI installs Chromium, and a missing browser is a broken machine.
it("runs on Debian's Chromium", () => {
  expect(existsSync(CHROMIUM), `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`).toBe(true);
});

describe("the live console", () => {
  beforeAll(async () => {
    env = await startBrowserHub();
    ({ page, token } = env);
    expect((await call("POST", "/api/dashboard", { id: "leaders", name: "Leaders", rank_by: "score", top_n: 5 })).status).toBe(201);
    const baseline = await call("POST", "/api/dashboard/leaders/snapshot", {
      rows: [{ id: "ann", score: 90 }, { id: "bo", score: 80 }, { id: "cy", score: 70 }],
    });
    expect(baseline.status).toBe(201);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("connects with a pasted token and opens a dashboard", async () => {
    await page.goto(env.hub.url + "/");
    await expect.poll(() => page.getAttribute("#conn-state", "data-state")).toBe("no token");
    await page.fill("#token-input", token);
    await page.click("#token-save");
    await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 5_000 });
    expect(await page.textContent("#whoami")).toContain("console-tester");

    await page.fill("#dashboard-id", "leaders");
    await page.click("#dashboard-open");
    await page.waitForSelector("#dash-title:has-text('Leaders')");
    expect(await page.textContent("#dash-head-seq")).toBe("1");
    await page.waitForSelector('[data-testid="channel-chip"][data-channel="dashboard:leaders"]');
    // Seq 1 comes from the backfill: opening a dashboard subscribes with since = head_seq - 20.
    await page.waitForSelector('[data-testid="feed-item"][data-kind="snapshot.created"][data-seq="1"]');

    // Watching one's own alerts too: from the open dashboard's head on, so the later alert cannot slip by.
    expect(await page.inputValue("#persona-id")).toBe("console-tester");
    await page.click("#persona-watch");
    await page.waitForSelector('[data-testid="channel-chip"][data-channel="persona:console-tester"]');
  });

  it("shows a rule's validation error next to the rule, at its JSON pointer", async () => {
    await page.selectOption("#sub-kind", "persona");
    expect(await page.inputValue("#sub-subscriber")).toBe("console-tester");
    await page.fill("#sub-threshold", JSON.stringify({ and: [{ top_n_reordering: 3 }, { value_delta_pct: -1, on_field: "score" }] }));
    await page.click("#sub-create");
    const error = await page.waitForSelector(`#sub-threshold-error [data-pointer="${BAD_POINTER}"]`);
    expect(await error.textContent()).toContain(BAD_POINTER);
    expect(await page.getAttribute("#sub-threshold", "aria-invalid")).toBe("true");
    expect(await page.isHidden("#sub-subscriber-error")).toBe(true);
    await page.locator("#subs-card").screenshot({ path: join(ARTIFACTS, "console-validation.png") });
    expect((await call("GET", "/api/dashboard/leaders/subscriptions")).body.subscriptions).toEqual([]);
  });

  it("creates a subscription through the form and lists it", async () => {
    await page.fill("#sub-threshold", JSON.stringify({ or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.2, on_field: "score" }] }));
    await page.click("#sub-create");
    await page.waitForSelector('[data-testid="sub-row"]');
    expect(await page.isHidden("#sub-threshold-error")).toBe(true);
    const listed = (await call("GET", "/api/dashboard/leaders/subscriptions")).body.subscriptions;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ subscriber_kind: "persona", subscriber_id: "console-tester" });
    await page.waitForSelector('[data-testid="feed-item"][data-kind="subscription.created"][data-seq="2"]');
  });

  it("shows the alert of a posted snapshot within 2 s", async () => {
    const started = performance.now();
    const posted = await call("POST", "/api/dashboard/leaders/snapshot", {
      rows: [{ id: "bo", score: 99 }, { id: "ann", score: 90 }, { id: "cy", score: 70 }],
    });
    expect(posted.status).toBe(201);
    expect(posted.body.alerts).toHaveLength(1);
    const alert = await page.waitForSelector('[data-testid="feed-item"][data-kind="alert.matched"]', { timeout: 2_000 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    expect(await alert.getAttribute("data-seq")).toBe(String(posted.body.alerts[0].seq));
    expect(await alert.textContent()).toContain("top 3 reordered");
    // The same alert on the dashboard and the persona channel is one item, acknowledgeable by its persona.
    await page.waitForSelector('[data-kind="alert.matched"][data-channels~="dashboard:leaders"][data-channels~="persona:console-tester"]');
    expect(await page.locator('[data-testid="feed-item"][data-kind="alert.matched"]').count()).toBe(1);
    await alert.$('[data-testid="ack"]').then((button) => button!.click());
    await page.waitForSelector('[data-kind="alert.matched"] [data-testid="ack"]:disabled');
    // The event log follows the live feed while its newest page is on screen.
    await page.waitForSelector('[data-testid="log-row"][data-kind="alert.matched"]');
    console.info(`console: alert on the page ${elapsed.toFixed(0)} ms after the snapshot POST was sent`);
  });

  it("shows the dashboard's rows at a chosen time", async () => {
    await page.click("#at-now");
    // The table already shows an earlier snapshot's 3 rows: wait for the answer to this click.
    await expect.poll(() => page.locator('[data-testid="at-row"]').first().textContent()).toContain("bo");
    expect(await page.locator('[data-testid="at-row"]').count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, "console.png"), fullPage: true });
    expect(env.pageErrors).toEqual([]);
    // Chromium logs the refused request of a 4xx answer as a console error, so only that one is expected.
    expect(env.consoleErrors.filter((text) => !text.includes("the server responded with a status of 422"))).toEqual([]);
    expect(env.failedResponses).toEqual(["422 POST /api/dashboard/leaders/subscriptions"]);
  });
});
