// A real hub (in-process, its own database) and Debian's Chromium on its console, for the browser tests:
// every page error, console error (a CSP refusal is one) and failed response is collected for the test to check.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { loadConfig } from "../../src/config.js";
import { mintToken } from "../../src/http/token.js";
import { startHub, type RunningHub } from "../../src/server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const SECRET = "console-browser-test-secret-0123456789-abcdef";

export interface ApiAnswer {
  status: number;
  body: any;
}

export interface BrowserHub {
  hub: RunningHub;
  page: Page;
  token: string;
  pageErrors: string[];
  consoleErrors: string[];
  failedResponses: string[];
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Stops the hub and starts it again on the same port, database and data dir, with more settings. */
  restart(more: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** `settings`: more environment for the hub's config (e.g. DELIVERY_RETRY_SCHEDULE). */
export async function startBrowserHub(sub = "console-tester", settings: Record<string, string> = {}): Promise<BrowserHub> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
  const [db, dataDir, profileDir] = await Promise.all([
    createTestDatabase(),
    mkdtemp(join(tmpdir(), "dw-console-data-")),
    mkdtemp(join(tmpdir(), "dw-console-profile-")),
    mkdir(ARTIFACTS, { recursive: true }),
  ]) as [TestDatabase, string, string, unknown];
  const base = { HOST: "127.0.0.1", DATABASE_URL: db.url ?? undefined, DATA_DIR: dataDir, JWT_SECRET: SECRET, LOG_LEVEL: "silent", ...settings };
  let hub = await startHub(loadConfig({ ...base, PORT: "0" }));
  const token = await mintToken(SECRET, { sub, roles: ["admin"] });
  const browser: BrowserContext = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const failedResponses: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });

  async function call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await fetch(hub.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  return {
    get hub() {
      return hub;
    },
    page, token, pageErrors, consoleErrors, failedResponses, call,
    async restart(more) {
      // The same port keeps the page's origin, so its saved token still applies.
      const port = new URL(hub.url).port;
      await hub.close();
      hub = await startHub(loadConfig({ ...base, ...more, PORT: port }));
    },
    async close() {
      await browser.close();
      await hub.close();
      await Promise.all([db.drop(), rm(dataDir, { recursive: true, force: true }), rm(profileDir, { recursive: true, force: true })]);
    },
  };
}

/** Pastes the token and waits until the page has connected with it. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url + "/");
  await page.fill("#token-input", token);
  await page.click("#token-save");
  await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 10_000 });
}
