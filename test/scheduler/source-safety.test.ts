// source_url obeys the webhook URL safety rules at creation and at every fetch: the name is resolved, every
// address checked, the connection pinned to the checked address, and the body read only up to maxBytes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchSource, type SourceOptions } from "../../src/scheduler/fetch-source.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let server: Server;
let port: number;
let requests = 0;
let endlessBytes = 0;
let endlessClosed: Promise<void>;

beforeAll(async () => {
  let closed!: () => void;
  endlessClosed = new Promise((r) => (closed = r));
  server = createServer((req, res) => {
    requests++;
    if (req.url !== "/endless") return void res.writeHead(200, { "content-type": "application/json" }).end('[{"id":"a","v":1}]');
    // No Content-Length, and it never ends: only the reader's own bound stops it.
    res.writeHead(200, { "content-type": "application/json" });
    res.write("[");
    const chunk = `${'{"id":"x","v":1},'.repeat(1024)}`;
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) endlessBytes += chunk.length;
      if (!res.destroyed) res.once("drain", pump);
    };
    res.once("close", closed);
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.close();
  server.closeAllConnections();
});

const options = (o: Partial<SourceOptions>): SourceOptions => ({ allowPrivate: false, timeoutMs: 5000, maxBytes: 64 * 1024, maxRows: 1000, ...o });

describe("scheduled source fetches", () => {
  it("refuses a public-looking name that resolves to loopback, before any request", async () => {
    const before = requests;
    const toLoopback = async () => [{ address: "127.0.0.1" }];
    for (const url of [`https://board.example.com:${port}/data`, `https://cdn.example.net./data`]) {
      const result = await fetchSource(url, "id", options({ resolve: toLoopback }));
      expect(result).toEqual({ ok: false, error: expect.stringMatching(/resolves to a private address/) });
    }
    expect(requests).toBe(before);
  });

  it("connects to the address it checked, not to a fresh lookup of the name", async () => {
    // board.invalid resolves nowhere; only the pinned address can reach the server.
    const result = await fetchSource(`http://board.invalid:${port}/data`, "id", options({ allowPrivate: true, resolve: async () => [{ address: "127.0.0.1" }] }));
    expect(result).toMatchObject({ ok: true, body: { rows: [{ id: "a", v: 1 }] } });
  });

  it("skips a body the route would refuse, saying why as the route's problem would", async () => {
    const url = `http://127.0.0.1:${port}/data`;
    const noId = await fetchSource(url, "key", options({ allowPrivate: true }));
    expect(noId).toEqual({ ok: false, error: "/rows/0/key: is required" });
    const tooMany = await fetchSource(url, "id", options({ allowPrivate: true, maxRows: 0 }));
    expect(tooMany).toEqual({ ok: false, error: "a snapshot holds at most 0 rows; this one has 1" });
  });

  it("stops reading an endless body at maxBytes and cuts the connection", async () => {
    const started = Date.now();
    const result = await fetchSource(`http://127.0.0.1:${port}/endless`, "id", options({ allowPrivate: true, maxBytes: 64 * 1024 }));
    expect(result).toEqual({ ok: false, error: "source body over 65536 bytes" });
    await endlessClosed;
    expect(Date.now() - started).toBeLessThan(4000);
    // What was written before the cut: the socket buffers, not the stream's whole length.
    expect(endlessBytes).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("source_url at creation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("refuses loopback, private and local-name sources with 422 unsafe-url unless WEBHOOK_ALLOW_PRIVATE", async () => {
    const token = await t.token({ sub: "pub", roles: ["publisher"] });
    const unsafe = ["https://127.0.0.1/data", `http://127.0.0.1:${port}/data`, "https://localhost./data", "https://[::ffff:10.0.0.1]/x", "https://[64:ff9b::7f00:1]/x"];
    for (const [i, source_url] of unsafe.entries()) {
      const res = await t.call("POST", "/api/dashboard", { token, body: { id: `unsafe-${i}`, source_url } });
      expect(res.status, source_url).toBe(422);
      expect(res.body.type).toMatch(/\/unsafe-url$/);
      expect(res.body.errors).toEqual([{ pointer: "/source_url", detail: expect.any(String) }]);
      expect((await t.call("GET", `/api/dashboard/unsafe-${i}`, { token })).status).toBe(404);
    }
    expect((await t.call("POST", "/api/dashboard", { token, body: { id: "safe", source_url: "https://data.example.com/board.json" } })).status).toBe(201);
    const patched = await t.call("PATCH", "/api/dashboard/safe", { token, body: { source_url: "https://169.254.169.254/latest" } });
    expect(patched.status).toBe(422);
    expect((await t.call("GET", "/api/dashboard/safe", { token })).body.source_url).toBe("https://data.example.com/board.json");
  });

  it("accepts a loopback source with WEBHOOK_ALLOW_PRIVATE", async () => {
    const open = await createTestApp({ webhookAllowPrivate: true });
    try {
      const token = await open.token({ sub: "pub", roles: ["publisher"] });
      expect((await open.call("POST", "/api/dashboard", { token, body: { id: "local", source_url: `http://127.0.0.1:${port}/data` } })).status).toBe(201);
    } finally {
      await open.close();
    }
  });
});
