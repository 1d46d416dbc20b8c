// How the load generator connects to, and publishes on, each server under test.
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { CASES, personaOf, type BenchCase } from "./cases.js";

export type TargetKind = "raw-ws" | "socketio" | "dashwatch";

/** A delivery carries its send time, or the seq whose send time the target learns from its POST answer. */
export type OnMessage = (sentAt: number | null, seq: number | null, bytes: number) => void;

export interface Target {
  /** `i` is the client's number: in the persona cases it picks the channel. */
  connect(onMessage: OnMessage, i: number): Promise<{ close(): void }>;
  publish(sentAt: number, n: number): Promise<void>;
  /** The send time of the snapshot that appended `seq`. */
  sentAtOf(seq: number): number | undefined;
  /** The highest seq a publish has appended so far; 0 where messages carry none. */
  lastSeq(): number;
}

const now = () => performance.timeOrigin + performance.now();
export { now };

// Only the head of a message is read: a client that parses every 20 KB frame would be the bottleneck.
const T_AT_START = /^\{"t":(\d+(?:\.\d+)?)/;
const SEQ_NEAR_START = /"seq":(\d+)/;
const head = (data: Buffer) => data.subarray(0, 200).toString("latin1");

export function createTarget(kind: TargetKind, base: string, token: string, benchCase: BenchCase): Target {
  const ws = base.replace(/^http/, "ws");
  const shape = CASES[benchCase];
  const pad = "x".repeat(shape.padBytes);
  const relayed = (data: Buffer) => Number(T_AT_START.exec(head(data))?.[1]);
  switch (kind) {
    case "raw-ws":
      return {
        connect: (onMessage) =>
          new Promise((resolve, reject) => {
            const socket = new WebSocket(ws);
            socket.on("message", (data: Buffer) => onMessage(relayed(data), null, data.length));
            socket.once("open", () => resolve({ close: () => socket.terminate() }));
            socket.once("error", reject);
          }),
        publish: async (t, n) => void (await post(`${base}/publish`, JSON.stringify({ t, n, pad }))),
        sentAtOf: () => undefined,
        lastSeq: () => 0,
      };
    case "socketio":
      return {
        connect: (onMessage) =>
          new Promise((resolve, reject) => {
            const socket: Socket = ioClient(base, { transports: ["websocket"], reconnection: false, forceNew: true });
            socket.on("event", (data: string) => onMessage(Number(T_AT_START.exec(data.slice(0, 200))?.[1]), null, data.length));
            socket.once("connect", () => resolve({ close: () => socket.disconnect() }));
            socket.once("connect_error", reject);
          }),
        publish: async (t, n) => void (await post(`${base}/publish`, JSON.stringify({ t, n, pad }))),
        sentAtOf: () => undefined,
        lastSeq: () => 0,
      };
    case "dashwatch": {
      const sentAt = new Map<number, number>();
      let lastSeq = 0;
      return {
        connect: (onMessage, i) =>
          new Promise((resolve, reject) => {
            const socket = new WebSocket(`${ws}/ws`);
            const channel = shape.personas > 0 ? `persona:${personaOf(i % shape.personas)}` : "dashboard:bench";
            socket.on("message", (data: Buffer) => {
              const text = head(data);
              if (text.startsWith('{"type":"event"')) {
                if (shape.personas > 0) return onMessage(null, Number(SEQ_NEAR_START.exec(text)?.[1]), data.length);
                const frame = JSON.parse(data.toString()) as { data?: { diff?: { row_value_deltas?: { field: string; to: number }[] } } };
                const t = frame.data?.diff?.row_value_deltas?.find((d) => d.field === "t")?.to;
                if (t !== undefined) onMessage(t, null, data.length);
              } else if (text.startsWith('{"type":"welcome"')) socket.send(JSON.stringify({ op: "subscribe", channel }));
              else if (text.startsWith('{"type":"subscribed"')) resolve({ close: () => socket.terminate() });
              else if (text.startsWith('{"type":"error"')) reject(new Error(data.toString()));
            });
            socket.once("open", () => socket.send(JSON.stringify({ op: "auth", token })));
            socket.once("error", reject);
          }),
        async publish(t, n) {
          const answer = (await post(`${base}/api/dashboard/bench/snapshot`, JSON.stringify({ rows: shape.rows(n, t) }), { authorization: `Bearer ${token}` })) as {
            seq_range: { from: number; to: number };
          };
          for (let seq = answer.seq_range.from; seq <= answer.seq_range.to; seq++) sentAt.set(seq, t);
          lastSeq = Math.max(lastSeq, answer.seq_range.to);
        },
        sentAtOf: (seq) => sentAt.get(seq),
        lastSeq: () => lastSeq,
      };
    }
    default:
      return kind satisfies never;
  }
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text.length > 0 ? JSON.parse(text) : null;
}
