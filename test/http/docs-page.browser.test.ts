// GET /docs: the OpenAPI document as a page, served by a real hub and read in Chromium.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { renderDocsPage } from "../../src/http/docs-page.js";
import { startHub, type RunningHub } from "../../src/server.js";
import { ARTIFACTS, CHROMIUM } from "../console/browser-hub.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const METHODS = ["get", "post", "put", "patch", "delete"];

let db: TestDatabase;
let dataDir: string;
let profile: string;
let hub: RunningHub;
let browser: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
  [db, dataDir, profile] = await Promise.all([createTestDatabase(), mkdtemp(join(tmpdir(), "dw-docs-data-")), mkdtemp(join(tmpdir(), "dw-docs-profile-")), mkdir(ARTIFACTS, { recursive: true })]);
  hub = await startHub(loadConfig({ PORT: "0", DATABASE_URL: db.url ?? undefined, DATA_DIR: dataDir, JWT_SECRET: "docs-page-test-secret-0123456789-abcdef", LOG_LEVEL: "silent" }));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, viewport: { width: 1360, height: 900 }, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await Promise.all([db?.drop(), dataDir && rm(dataDir, { recursive: true, force: true }), profile && rm(profile, { recursive: true, force: true })]);
});

describe("GET /docs", () => {
  it("renders every route of /openapi.json in Chromium, without a token, scripts or outside requests", async () => {
    const spec = (await (await fetch(`${hub.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toContain("GET /docs");

    const page = browser.pages()[0] ?? (await browser.newPage());
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const response = await page.goto(`${hub.url}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    const listed = (await page.locator('[data-testid="route"]').allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
    expect(listed).toEqual(routes);
    expect(await page.locator('[data-testid="operation"]').count()).toBe(routes.length);
    await page.screenshot({ path: join(ARTIFACTS, "docs-page.png") });
    await page.click('a[href="#post-api-dashboard-id-snapshot"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#post-api-dashboard-id-snapshot");
    expect(await page.locator("#post-api-dashboard-id-snapshot").textContent()).toContain("Idempotency-Key");
    expect(await page.locator("script").count()).toBe(0);
    expect(requests.filter((u) => !u.startsWith(hub.url))).toEqual([]);
  });

  it("escapes what the document holds", () => {
    const html = renderDocsPage({ info: { title: "<b>x</b>" }, paths: { "/a": { get: { summary: '<img src=x onerror="alert(1)">', responses: { 200: { description: "&" } } } } } });
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>x</b>");
    expect(html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
  });
});
