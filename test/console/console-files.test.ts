// The console's files as the hub serves them: no token, right content types, the SDK bundled in memory.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { mountConsole } from "../../src/console/mount.js";
import type { Env } from "../../src/http/context.js";

const app = new Hono<Env>();
mountConsole(app);
const get = (path: string) => app.request(path);

describe("console files", () => {
  it("serves the page at / without a token", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/console.js">');
    expect(html).toContain('href="/console.css"');
  });

  it("serves scripts and styles with their content types", async () => {
    const [js, css] = await Promise.all([get("/console.js"), get("/console.css")]);
    expect([js.status, js.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect([css.status, css.headers.get("content-type")]).toEqual([200, "text/css; charset=utf-8"]);
  });

  it("serves every module the console imports", async () => {
    const seen = new Set<string>();
    const queue = ["/console.js"];
    while (queue.length > 0) {
      const path = queue.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const source = await res.text();
      for (const [, spec] of source.matchAll(/^import [^"]*"([^"]+)";$/gm)) queue.push(new URL(spec!, `http://hub${path}`).pathname);
    }
    expect(seen).toContain("/sdk.js");
    expect(seen.size).toBeGreaterThan(5);
  });

  it("bundles the SDK for the browser, leaving ws out", async () => {
    const res = await get("/sdk.js");
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const bundle = await res.text();
    expect(bundle).toMatch(/export\s*\{[^}]*\bcreateClient\b/);
    expect(bundle).not.toContain("class WebSocketServer");
    expect(await (await get("/sdk.js")).text()).toBe(bundle);
  });

  it("serves uPlot from node_modules under /vendor/, as script and style", async () => {
    const [js, css] = await Promise.all([get("/vendor/uplot.esm.js"), get("/vendor/uplot.min.css")]);
    expect([js.status, js.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect([css.status, css.headers.get("content-type")]).toEqual([200, "text/css; charset=utf-8"]);
    expect(await js.text()).toContain("export { uPlot as default }");
    expect(await css.text()).toContain(".uplot");
    expect(js.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("serves only the allowlisted vendor names, never another file of the package or a path", async () => {
    const paths = [
      "/vendor/uPlot.cjs.js",
      "/vendor/uplot.cjs.js",
      "/vendor/constructor.js",
      "/vendor/..%2F..%2Fpackage.json",
      "/vendor/..%2Fmount.ts",
      "/vendor/console.js",
      "/vendor/uplot.esm.js/x",
      "/uplot.esm.js",
    ];
    const statuses = await Promise.all(paths.map(async (p) => (await get(p)).status));
    expect(statuses).toEqual(paths.map(() => 404));
  });

  it("answers 404 for names it does not serve", async () => {
    const statuses = await Promise.all(["/nope.js", "/index.html", "/..%2Fmount.ts", "/static-files.ts"].map(async (p) => (await get(p)).status));
    expect(statuses).toEqual([404, 404, 404, 404]);
  });
});
