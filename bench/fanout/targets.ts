// How the load generator connects to, and publishes on, each server under test.
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";

export type TargetKind = "raw-ws" | "socketio" | "dashwatch";

export interface Target {
  connect(onMessage: (sentAt: number) => void): Promise<{ close(): void }>;
  publish(sentAt: number, n: number): Promise<void>;
}

// Dashwatch's event frame for the one-row bench snapshot is about 610 bytes (envelope and diff); the
// baselines' messages are padded to the same size so every server moves the same bytes.
const PAD = "x".repeat(570);
const now = () => performance.timeOrigin + performance.now();
export { now };

export function createTarget(kind: TargetKind, base: string, token: string): Target {
  const ws = base.replace(/^http/, "ws");
  switch (kind) {
    case "raw-ws":
      return {
        connect: (onMessage) =>
          new Promise((resolve, reject) => {
            const socket = new WebSocket(ws);
            socket.on("message", (data) => onMessage((JSON.parse(data.toString()) as { t: number }).t));
            socket.once("open", () => resolve({ close: () => socket.terminate() }));
            socket.once("error", reject);
          }),
        publish: (t, n) => post(`${base}/publish`, JSON.stringify({ t, n, pad: PAD })),
      };
    case "socketio":
      return {
        connect: (onMessage) =>
          new Promise((resolve, reject) => {
            const socket: Socket = ioClient(base, { transports: ["websocket"], reconnection: false, forceNew: true });
            socket.on("event", (data: string) => onMessage((JSON.parse(data) as { t: number }).t));
            socket.once("connect", () => resolve({ close: () => socket.disconnect() }));
            socket.once("connect_error", reject);
          }),
        publish: (t, n) => post(`${base}/publish`, JSON.stringify({ t, n, pad: PAD })),
      };
    case "dashwatch":
      return {
        connect: (onMessage) =>
          new Promise((resolve, reject) => {
            const socket = new WebSocket(`${ws}/ws`);
            socket.on("message", (data) => {
              const frame = JSON.parse(data.toString()) as { type: string; channel?: string; data?: { diff?: { row_value_deltas?: { field: string; to: number }[] } } };
              if (frame.type === "welcome") socket.send(JSON.stringify({ op: "subscribe", channel: "dashboard:bench" }));
              else if (frame.type === "subscribed") resolve({ close: () => socket.terminate() });
              else if (frame.type === "event") {
                const t = frame.data?.diff?.row_value_deltas?.find((d) => d.field === "t")?.to;
                if (t !== undefined) onMessage(t);
              } else if (frame.type === "error") reject(new Error(JSON.stringify(frame)));
            });
            socket.once("open", () => socket.send(JSON.stringify({ op: "auth", token })));
            socket.once("error", reject);
          }),
        publish: (t, n) =>
          post(`${base}/api/dashboard/bench/snapshot`, JSON.stringify({ rows: [{ id: "a", t, n }] }), { authorization: `Bearer ${token}` }),
      };
    default:
      return kind satisfies never;
  }
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`${url} answered ${res.status}`);
}
