// The body limit over a real socket: a body announced over MAX_BODY_BYTES gets a 413 that the client
// reads, even a client that sends its whole body before it reads (as blocking clients do), and the
// connection closes once the answer is out.
import { request } from "node:http";
import { connect } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINGER_MS } from "../../src/http/lingering-close.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const LIMIT = 64 * 1024;
const ANNOUNCED = 8 * 1024 * 1024;
const TRIES = 100;

let t: TestApp;
let server: ServerType;
let port: number;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ maxBodyBytes: LIMIT });
  token = await t.token({ sub: "big", roles: ["admin"] });
  server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

interface Outcome {
  answer: string;
  error: string | null;
}

/** HTTP/1.1 over a TCP socket: the request line, headers and the whole body first, then the answer. */
function sendThenRead(path: string, size: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.pause();
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("end", () => resolve({ answer, error: null }));
    socket.on("error", (e) => resolve({ answer, error: e.message }));
    socket.write(`POST ${path} HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${size}\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once("drain", pump);
      }
      socket.resume();
    };
    pump();
  });
}

describe("a body announced over MAX_BODY_BYTES, over a real socket", () => {
  it(`is answered 413 problem+json, read every time, then the connection closes (${TRIES} tries)`, async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < TRIES; i++) outcomes.push(await sendThenRead("/api/dashboard/none/snapshot", ANNOUNCED));
    const failed = outcomes.filter((o) => !o.answer.startsWith("HTTP/1.1 413 ") || o.error !== null);
    expect(failed).toEqual([]);
    const [head, body] = outcomes[0]!.answer.split("\r\n\r\n");
    expect(head).toMatch(/^content-type: application\/problem\+json$/im);
    expect(head).toMatch(/^connection: close$/im);
    expect(JSON.parse(body!).type).toMatch(/\/payload-too-large$/);
  }, 120_000);

  it("closes a refused upload that stalls without closing, within LINGER_MS", async () => {
    // The hub's side of the connection, to see when the hub lets it go.
    const started = Date.now();
    const closed = new Promise<number>((resolve) => server.once("connection", (s: Socket) => s.once("close", () => resolve(Date.now() - started))));
    // allowHalfOpen: the hub's FIN does not make this client close its side.
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("error", () => {});
    socket.write(`POST /api/dashboard HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer ${token}\r\ncontent-length: ${ANNOUNCED}\r\n\r\n`);
    socket.write(Buffer.alloc(LIMIT * 2, 0x20));
    // The client now sends nothing more and never closes: the hub must end it by itself.
    const after = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(after).toBeGreaterThanOrEqual(LINGER_MS - 100);
    expect(after).toBeLessThan(LINGER_MS + 3000);
    socket.destroy();
  }, 20_000);

  it("bounds a chunked body (no content-length) as it is read: 413, and nothing is created", async () => {
    const admin = await t.token({ sub: "chunked", roles: ["admin"] });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/api/dashboard", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" } }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      // Valid JSON throughout, so only the size can refuse it: {"id":"chunked-too-big","name":"xxxx…"}.
      req.write('{"id":"chunked-too-big","name":"');
      for (let sent = 0; sent <= LIMIT; sent += 4096) req.write("x".repeat(4096));
      req.end('"}');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).type).toMatch(/\/payload-too-large$/);
    const listed = await fetch(`http://127.0.0.1:${port}/api/dashboard/chunked-too-big`, { headers: { authorization: `Bearer ${admin}` } });
    expect(listed.status).toBe(404);
  });

  it("still takes a body within the limit on the same kind of connection", async () => {
    const admin = await t.token({ sub: "ok", roles: ["admin"] });
    const res = await fetch(`http://127.0.0.1:${port}/api/dashboard`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "fits", name: "x".repeat(100) }),
    });
    expect(res.status).toBe(201);
  });
});
