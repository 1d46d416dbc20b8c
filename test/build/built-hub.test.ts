// `npm start` runs the compiled hub: one node process, no tsx, no esbuild, its files found from dist/.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HubProcess } from "../helpers/hub-process.js";
import { ensureBuilt, ROOT, startBuiltHub } from "./built-hub-process.js";

// One data dir for every start: the first makes the database (initdb), which takes long on a loaded machine.
const DATA_DIR = mkdtempSync(join(tmpdir(), "dashwatch-built-"));
const START_MS = 120_000;

beforeAll(ensureBuilt, 600_000);
afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

/** The child processes of a process: esbuild, had the hub loaded it, runs as one (`esbuild --service`). */
const childrenOf = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();

describe("the built hub", () => {
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await startBuiltHub({ DATA_DIR, LOG_LEVEL: "info" });
  }, START_MS);
  afterAll(() => hub?.kill("SIGTERM"));

  it("answers /health 200 on embedded PGlite, with the migrations read from drizzle/", async () => {
    const res = await fetch(`${hub.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { store: "up" } });
  });

  it("settles well under 350 MB RSS idle after creating its database (measured ~170-260 MB; ~860 MB before)", async () => {
    const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${hub.child.pid}/status`, "utf8"))![1]) / 1024;
    // The hub collects initdb's dropped PGlite instance a second after the open.
    await expect.poll(rssMb, { timeout: 20_000, interval: 250 }).toBeLessThan(350);
  });

  it("serves the console and the prebuilt SDK bundle without starting esbuild", async () => {
    const page = await fetch(`${hub.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const sdk = await fetch(`${hub.url}/sdk.js`);
    expect(sdk.status).toBe(200);
    expect(await sdk.text()).toBe(readFileSync(join(ROOT, "dist/console/sdk.browser.js"), "utf8"));
    expect(childrenOf(hub.child.pid!)).toBe("");
  });

  it("writes JSON lines when stdout is not a terminal and LOG_FORMAT is unset", () => {
    const lines = hub.output().split("\n").filter((l) => l.startsWith("{"));
    const listening = lines.map((l) => JSON.parse(l) as { msg: string; level: number; url?: string }).find((e) => e.msg === "dashwatch hub listening");
    expect(listening).toMatchObject({ level: 30, url: hub.url });
  });
});

describe("LOG_FORMAT=pretty", () => {
  it("writes one readable line per entry: time, level, message, then the fields", { timeout: START_MS }, async () => {
    const hub = await startBuiltHub({ DATA_DIR, LOG_FORMAT: "pretty" });
    await fetch(`${hub.url}/health`).then((r) => r.arrayBuffer());
    await hub.kill("SIGTERM");
    const lines = hub.output().split("\n");
    expect(lines.some((l) => l.startsWith("{"))).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: dashwatch hub listening \{"url":"http:\/\/127\.0\.0\.1:\d+","store":"pglite"/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] INFO: shutting down \{"signal":"SIGTERM"\}$/));
  });

  it("a bad LOG_FORMAT stops the hub naming the variable", async () => {
    await expect(startBuiltHub({ DATA_DIR, LOG_FORMAT: "xml" })).rejects.toThrow(/exited with 1 before listening:[\s\S]*LOG_FORMAT: /);
  });
});
