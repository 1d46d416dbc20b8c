// client-sdk as a package: what `npm pack` ships, and the BUILT package (its dist, reached through its
// exports map) against a real hub: imported here, run as the Node example, and loaded by the browser example.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { call, readLog } from "./helpers/hub-api.js";
import { useRealHub } from "./helpers/real-hub-context.js";

const run = promisify(execFile);
const SDK = fileURLToPath(new URL("../../client-sdk/", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
// A page fulfilled by the test has no server address, so Chromium counts it as public and would block
// its WebSocket to the loopback hub; a page really served from the hub's origin is not affected.
const LOCAL_PAGE = ["--disable-features=LocalNetworkAccessChecks"];

type Built = typeof import("../../client-sdk/src/index.js");
type HubEvent = import("../../client-sdk/src/index.js").HubEvent;

const t = useRealHub();
let packed: string[] = [];
let built: Built;

beforeAll(async () => {
  // `npm pack` runs the package's prepack, which is its build: the files listed are the fresh dist.
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts=false"], { cwd: SDK });
  packed = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
  // Resolved as an application would: the package name through its exports map (a self-reference here).
  const resolved = await run(process.execPath, ["--input-type=module", "-e", 'console.log(import.meta.resolve("@dashwatch/client"))'], { cwd: SDK });
  built = (await import(resolved.stdout.trim())) as Built;
}, 120_000);

async function post(id: string, i: number): Promise<void> {
  const res = await call(t.node.url, "POST", `/api/dashboard/${id}/snapshot`, t.admin, { rows: [{ id: "a", v: i }], primary_metric: i + 1 });
  if (res.status !== 201) throw new Error(`post ${i}: ${res.status}`);
}

describe("npm pack of @dashwatch/client", () => {
  it("ships what the README promises: ESM and .d.ts for every module, the sources the maps name, the README", () => {
    const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8")) as { exports: Record<string, { types: string; import: string }> };
    const modules = readdirSync(join(SDK, "src")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
    expect(modules).toContain("index");
    const expected = ["package.json", "README.md", ...modules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`, `dist/${m}.js.map`, `src/${m}.ts`])];
    expect(packed).toEqual(expect.arrayContaining(expected));
    for (const entry of [pkg.exports["."]!.types, pkg.exports["."]!.import]) expect(packed).toContain(entry.replace(/^\.\//, ""));
    expect(packed.filter((p) => /^(test|bench|examples)\/|tsconfig|node_modules/.test(p)), "no tests, benches or build files").toEqual([]);
    const index = readFileSync(join(SDK, "dist/index.js"), "utf8");
    expect(index, "ESM").toMatch(/^export \{/m);
    expect(index).not.toContain("require(");
  });
});

describe("the built package against a real hub", () => {
  it("delivers a dashboard's events once, in order, from since", async () => {
    const id = await t.dashboard("built-sdk");
    for (let i = 0; i < 3; i++) await post(id, i);
    const client = built.createClient({ url: t.node.url, token: t.admin });
    const events: HubEvent[] = [];
    const subscription = client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } });
    try {
      for await (const event of subscription) {
        events.push(event);
        if (events.length === 2) await post(id, 3);
        if (events.length === 4) break;
      }
    } finally {
      client.close();
    }
    expect(events).toEqual(await readLog(t.node.url, t.admin, id));
  });

  it("runs the Node example: a persona's alerts as JSON lines", async () => {
    const id = await t.dashboard("node-example", { alertsFor: "carol" });
    for (let i = 0; i < 3; i++) await post(id, i);
    const carol = await mintToken(TEST_SECRET, { sub: "carol" });
    const child = execFile(process.execPath, ["examples/node.mjs", "carol", `${id}=0`], { cwd: SDK, env: { PATH: process.env.PATH, DASHWATCH_URL: t.node.url, DASHWATCH_TOKEN: carol } });
    let out = "";
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const alerts = await readLog(t.node.url, t.admin, id, "carol");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example printed only:\n${out}`)), 20_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split("\n").length > alerts.length) (clearTimeout(timer), resolve());
      });
    });
    child.kill("SIGTERM");
    expect(await exited, "the example ends its loop on SIGTERM and exits 0").toBe(0);
    expect(out.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual(alerts);
  });

  describe("the browser example in Chromium", () => {
    let profile: string;
    let browser: BrowserContext;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
      [profile] = await Promise.all([mkdtemp(join(tmpdir(), "dw-sdk-example-")), mkdir(ARTIFACTS, { recursive: true })]);
      browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", ...LOCAL_PAGE] });
    });
    afterAll(async () => {
      await browser?.close();
      if (profile) await rm(profile, { recursive: true, force: true });
    });

    it("shows live events through the built ESM served from the hub's origin", async () => {
      const id = await t.dashboard("browser-example");
      // client-sdk/ served under the hub's origin, as the example asks (the hub sends no CORS headers).
      await browser.route(new RegExp(`^${t.node.url}/(examples|dist)/`), (route) => {
        const path = join(SDK, new URL(route.request().url()).pathname);
        const type = path.endsWith(".html") ? "text/html" : "text/javascript";
        return existsSync(path) ? route.fulfill({ path, contentType: type }) : route.fulfill({ status: 404 });
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const log: string[] = [];
      page.on("console", (m) => log.push(`console: ${m.text()}`));
      page.on("requestfailed", (r) => log.push(`failed: ${r.url()}`));
      await page.goto(`${t.node.url}/examples/browser.html?channel=dashboard:${id}&token=${t.admin}&since=${encodeURIComponent(JSON.stringify({ [id]: 0 }))}`);
      await page.waitForSelector("#state:text-is('connected')", { timeout: 10_000 }).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${[...errors, ...log].join("\n")}\n${await page.content()}`);
      });
      for (let i = 0; i < 2; i++) await post(id, i);
      await page.waitForSelector("li[data-seq='2']");
      expect(await page.locator("li").allTextContents()).toEqual([`${id} #1 snapshot.created by publisher-1`, `${id} #2 snapshot.created by publisher-1`]);
      await page.screenshot({ path: join(ARTIFACTS, "sdk-browser-example.png") });
      expect(errors).toEqual([]);
    });
  });
});
