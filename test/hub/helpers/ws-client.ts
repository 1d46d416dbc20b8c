// A raw protocol client for hub tests: records every frame, waits for frames or close without sleeping.
import WebSocket from "ws";
import type { ServerFrame } from "../../../src/protocol/frames.js";

export type EventFrame = Extract<ServerFrame, { type: "event" }>;
export type GapFrame = Extract<ServerFrame, { type: "gap" }>;

export interface TestClient {
  ws: WebSocket;
  frames: ServerFrame[];
  send(frame: unknown): void;
  /** The first frame, past or future, that matches. */
  waitFor<T extends ServerFrame = ServerFrame>(match: (f: ServerFrame) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves once `done()` holds, checked after every frame. */
  waitUntil(done: () => boolean, timeoutMs?: number): Promise<void>;
  /** Sends subscribe and resolves with its reply: subscribed or error. */
  subscribe(channel: string, since?: Record<string, number>): Promise<ServerFrame>;
  events(channel?: string): EventFrame[];
  gaps(channel?: string): GapFrame[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectClient(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const frames: ServerFrame[] = [];
  let checks: (() => void)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const check of checks) check();
    });
  });
  ws.on("message", (data) => {
    frames.push(JSON.parse(data.toString()) as ServerFrame);
    for (const check of checks) check();
  });
  ws.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });

  const client: TestClient = {
    ws,
    frames,
    send(frame) {
      ws.send(typeof frame === "string" || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
    },
    async waitFor<T extends ServerFrame>(match: (f: ServerFrame) => boolean, timeoutMs = 5000) {
      await client.waitUntil(() => frames.some(match), timeoutMs);
      return frames.find(match) as T;
    },
    waitUntil(done, timeoutMs = 5000) {
      if (done()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          checks = checks.filter((c) => c !== check);
          resolve();
        };
        const timer = setTimeout(() => {
          checks = checks.filter((c) => c !== check);
          reject(new Error(`condition not met within ${timeoutMs} ms; last frames: ${JSON.stringify(frames.slice(-3)).slice(0, 600)}`));
        }, timeoutMs);
        checks.push(check);
      });
    },
    async subscribe(channel, since) {
      const before = frames.length;
      client.send({ op: "subscribe", channel, ...(since ? { since } : {}) });
      const isReply = (f: ServerFrame, i: number) => i >= before && (f.type === "subscribed" || f.type === "error") && f.channel === channel;
      await client.waitUntil(() => frames.some(isReply));
      return frames.find(isReply)!;
    },
    events(channel) {
      return frames.filter((f): f is EventFrame => f.type === "event" && (channel === undefined || f.channel === channel));
    },
    gaps(channel) {
      return frames.filter((f): f is GapFrame => f.type === "gap" && (channel === undefined || f.channel === channel));
    },
    closed,
    close() {
      ws.close();
    },
  };
  return client;
}
