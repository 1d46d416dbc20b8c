// The live console at "/": static HTML/CSS/JS plus the SDK bundled for the browser at /sdk.js.
// No token is needed for these files; the page asks for one and sends it with every API call.
import { fileURLToPath } from "node:url";
import type { Context, Hono } from "hono";
import type { Env } from "../http/context.js";
import { consoleSdk } from "./console-sdk.js";
import { createStaticFiles, type StaticFile } from "./static-files.js";
import { createVendorFiles } from "./vendor-files.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const STATIC_DIR = fileURLToPath(new URL("./static/", import.meta.url));
const SDK_ENTRY = fileURLToPath(new URL("../../client-sdk/src/index.ts", import.meta.url));

// The page builds its DOM with textContent only and talks to its own origin (HTTP and /ws).
const HEADERS = {
  "cache-control": "no-cache",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

export function mountConsole(app: Hono<Env>): void {
  const files = createStaticFiles(STATIC_DIR);
  const vendor = createVendorFiles();
  const sdk = consoleSdk(HERE, SDK_ENTRY);
  const send = (c: Context<Env>, file: StaticFile | undefined) =>
    file ? c.body(file.body, 200, { ...HEADERS, "content-type": file.contentType }) : c.notFound();

  app.get("/", async (c) => send(c, await files("index.html")));
  app.get("/sdk.js", async (c) => send(c, { body: await sdk(), contentType: "text/javascript; charset=utf-8" }));
  app.get("/:file{[a-z][a-z0-9-]*\\.(?:js|css)}", async (c) => send(c, await files(c.req.param("file"))));
  app.get("/vendor/:file{[a-z][a-z0-9.-]*\\.(?:js|css)}", async (c) => send(c, await vendor(c.req.param("file"))));
}
