// Raw writes to the upgraded socket hold only without compression: the server refuses to be built with
// it, and a client that offers permessage-deflate gets a connection without it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, type WebSocketServer } from "ws";
import { CompressionRefused, createRawSocketServer, writableRaw } from "../../src/hub/raw-socket.js";

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe("createRawSocketServer", () => {
  it("throws at construction when asked for permessage-deflate, in any form", () => {
    expect(() => createRawSocketServer({ perMessageDeflate: true })).toThrow(CompressionRefused);
    expect(() => createRawSocketServer({ perMessageDeflate: { threshold: 0 } })).toThrow(/permessage-deflate must stay off/);
    const plain = createRawSocketServer({ maxPayload: 1024 });
    servers.push(plain);
    expect(plain.options).toMatchObject({ perMessageDeflate: false, noServer: true, clientTracking: false, maxPayload: 1024 });
  });

  it("negotiates no extension with a client that offers compression, so raw frames can be written", async () => {
    const wss: WebSocketServer = createRawSocketServer();
    const http = createServer();
    servers.push(wss, http);
    const accepted = new Promise<WebSocket>((resolve) => {
      http.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, resolve));
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, { perMessageDeflate: true });
    const opened = new Promise<void>((resolve, reject) => client.once("open", resolve).once("error", reject));
    const [server] = await Promise.all([accepted, opened]);
    expect(server.extensions).toBe("");
    expect(client.extensions).toBe("");
    expect(writableRaw(server)).toBe(true);
    expect(writableRaw({ extensions: "permessage-deflate" })).toBe(false);
    client.terminate();
  });
});
