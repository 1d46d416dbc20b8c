// PARKED: needs the ledger branch (GET .../alerts/:seq, POST .../deliveries/:id/retry), which did not merge
// cleanly into branch console (conflicts in README.md and test/delivery/resolved.test.ts, not console files).
// After merging ledger, rename this file to console-ledger.browser.test.ts; it passed (4/4) in a trial merge.
// An alert's ledger in Chromium against a real hub: a webhook receiver that refuses once (then verifies
// every delivery with standardwebhooks), one that is always down (retried by hand from the page), and an
// ack sent from the page's live feed.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertsDashboard, openDashboard, postAlertHistory, REORDER_RULE, type PostedAlert } from "./alert-history.js";
import { ARTIFACTS, startBrowserHub, type BrowserHub } from "./browser-hub.js";

const verified: unknown[] = [];
let webhookSecret = "";
let hookRequests = 0;
let downRequests = 0;
// /hook: the first request is refused with a 500, every later one verified and taken with a 204. /down: 503.
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    if (req.url === "/down") {
      downRequests++;
      return void res.writeHead(503).end("down");
    }
    if (++hookRequests === 1) return void res.writeHead(500).end("not yet");
    verified.push(new Webhook(webhookSecret).verify(body, req.headers as Record<string, string>));
    res.writeHead(204).end();
  });
});

let env: BrowserHub;
let page: Page;
let alerts: PostedAlert[] = [];
const subs = { hook: "", down: "", persona: "" };

async function openLedger(seq: number): Promise<void> {
  await page.click(`[data-testid="chart-marker"][data-seq="${seq}"]`);
  await page.waitForSelector(`#ledger-card[data-seq="${seq}"][data-state="ready"]`);
}

describe("an alert's ledger in the console", () => {
  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    // Three attempts per delivery, 100 ms apart after the first.
    env = await startBrowserHub("console-tester", { WEBHOOK_ALLOW_PRIVATE: "1", DELIVERY_RETRY_SCHEDULE: "0,100,100" });
    page = env.page;
    await createAlertsDashboard(env, "alerts");
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const create = (body: Record<string, unknown>) => env.call("POST", "/api/dashboard/alerts/subscriptions", body);
    const [hook, down, persona] = await Promise.all([
      create({ subscriber_kind: "webhook", subscriber_id: `${base}/hook`, threshold_json: REORDER_RULE }),
      create({ subscriber_kind: "webhook", subscriber_id: `${base}/down`, threshold_json: { set_added_min: 1 } }),
      create({ subscriber_kind: "persona", subscriber_id: "console-tester", threshold_json: REORDER_RULE }),
    ]);
    expect([hook.status, down.status, persona.status]).toEqual([201, 201, 201]);
    webhookSecret = hook.body.secret;
    Object.assign(subs, { hook: hook.body.id, down: down.body.id, persona: persona.body.id });
    alerts = await postAlertHistory(env, "alerts");
    await openDashboard(env, "alerts");
  });

  afterAll(async () => {
    await env?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it("opens from a chart marker: each attempt with its outcome, status code and duration", async () => {
    // Both alerts of the working endpoint arrived, signed: the first after one refusal.
    await expect.poll(() => verified.length, { timeout: 10_000 }).toBe(2);
    const first = alerts.find((a) => a.subscription_id === subs.hook)!;
    await openLedger(first.seq);
    expect(await page.locator('[data-testid="ledger-delivery"]').getAttribute("data-status")).toBe("delivered");
    const attempts = await page.locator('[data-testid="ledger-attempt"]').evaluateAll((rows) =>
      rows.map((r) => Array.from(r.querySelectorAll("td"), (td) => td.textContent ?? "")));
    expect(attempts.map(([n, , outcome, code]) => [n, outcome, code])).toEqual([["1", "failed", "500"], ["2", "delivered", "204"]]);
    expect(attempts.every((row) => /^\d+ ms$/.test(row[4]!))).toBe(true);
    expect(await page.locator('[data-testid="ledger-ack"]').count()).toBe(0);
  });

  it("shows the ack sent from the page in the persona alert's ledger", async () => {
    const latest = alerts.filter((a) => a.subscription_id === subs.persona).at(-1)!;
    await page.click(`[data-testid="feed-item"][data-seq="${latest.seq}"] [data-testid="ack"]`);
    await page.waitForSelector(`[data-testid="feed-item"][data-seq="${latest.seq}"] [data-testid="ack"]:disabled`);
    // The ack travels over the WebSocket: read the ledger (from the event log's button) until it has landed.
    await expect.poll(async () => {
      await page.click(`[data-testid="log-row"][data-seq="${latest.seq}"] [data-testid="log-ledger"]`);
      await page.waitForSelector(`#ledger-card[data-seq="${latest.seq}"][data-state="ready"]`);
      return page.locator('[data-testid="ledger-ack"]').count();
    }).toBe(1);
    expect(await page.textContent('[data-testid="ledger-ack"]')).toContain("console-tester");
    await page.locator("#ledger-card").screenshot({ path: join(ARTIFACTS, "console-ledger.png") });
  });

  it("retries a failed delivery from its ledger", async () => {
    const down = alerts.find((a) => a.subscription_id === subs.down)!;
    await expect.poll(async () => {
      await openLedger(down.seq);
      return page.locator('[data-testid="ledger-delivery"]').getAttribute("data-status");
    }, { timeout: 10_000 }).toBe("failed");
    expect(await page.locator('[data-testid="ledger-attempt"]').count()).toBe(3);
    expect(downRequests).toBe(3);
    await page.locator("#ledger-card").screenshot({ path: join(ARTIFACTS, "console-ledger-failed.png") });
    await page.click('[data-testid="ledger-retry"]');
    await expect.poll(() => downRequests, { timeout: 10_000 }).toBeGreaterThan(3);
    await expect.poll(async () => {
      await openLedger(down.seq);
      const status = await page.locator('[data-testid="ledger-delivery"]').getAttribute("data-status");
      return status === "failed" && (await page.locator('[data-testid="ledger-attempt"]').count()) === downRequests;
    }, { timeout: 10_000 }).toBe(true);
  });

  it("kept the page free of errors", async () => {
    expect(env.pageErrors).toEqual([]);
    expect(env.consoleErrors).toEqual([]);
    expect(env.failedResponses).toEqual([]);
  });
});
