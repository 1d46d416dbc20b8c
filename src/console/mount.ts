// The live console's static files at "/". Replaced by the console work; until then a pointer page.
import type { Hono } from "hono";
import type { Env } from "../http/context.js";

export function mountConsole(app: Hono<Env>): void {
  app.get("/", (c) => c.html("<!doctype html><title>Dashwatch</title><p>Dashwatch hub. API: <a href=\"/openapi.json\">/openapi.json</a></p>"));
}
