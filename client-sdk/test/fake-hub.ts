// A small hub that speaks the real protocol over loopback (node:http + ws on one port), with knobs to
// lose live messages, prune the log, send gap frames and close sessions. A test peer, not a mock.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { parseChannel, type ClientFrame, type EventKind, type HubEvent, type ServerFrame } from "../src/protocol.js";
import { changed } from "./helpers.js";

interface Entry {
  event: HubEvent;
  persona: string | null;
  prev_seq: number | null;
  /** Pruned by "retention". */
  gone?: boolean;
}

export interface FakeSession {
  readonly id: string;
  readonly socket: WebSocket;
  token: string | undefined;
  persona: string | undefined;
  readonly channels: Set<string>;
  readonly received: ClientFrame[];
  /** When each of `received` arrived (Date.now()). */
  readonly receivedAt: number[];
}

export interface AppendOptions {
  persona?: string;
  /** false: stored in the log but not sent live (a message the broker lost). */
  live?: boolean;
}

export class FakeHub {
  readonly sessions: FakeSession[] = [];
  readonly requests: Array<{ path: string; query: URLSearchParams; authorization: string | undefined }> = [];
  heartbeatMs = 60_000;
  answerPings = true;
  /** Replays from seq 0 whatever `since` says, to check that the client drops what it has. */
  ignoreSince = false;
  /** Answer this many more HTTP requests with 503. */
  failRequests = 0;
  readonly #tokens = new Map<string, string>();
  readonly #logs = new Map<string, Entry[]>();
  readonly #prunedUpTo = new Map<string, number>();
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #issued = 0;
  url = "";

  private constructor() {
    this.#http = createServer((req, res) => this.#serveHttp(req, res));
    this.#wss = new WebSocketServer({ server: this.#http, path: "/ws" });
    this.#wss.on("connection", (socket) => this.#accept(socket));
  }

  static async start(): Promise<FakeHub> {
    const hub = new FakeHub();
    await new Promise<void>((resolve) => hub.#http.listen(0, "127.0.0.1", resolve));
    hub.url = `http://127.0.0.1:${(hub.#http.address() as AddressInfo).port}`;
    return hub;
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  /** With `exp` (seconds), the token is shaped like a JWT whose payload holds it, as the SDK reads it. */
  issue(persona: string, exp?: number): string {
    const id = `tok-${++this.#issued}-${persona}`;
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const token = exp === undefined ? id : `${part({ alg: "none" })}.${part({ sub: persona, exp })}.${id}`;
    this.#tokens.set(token, persona);
    return token;
  }

  revoke(token: string): void {
    this.#tokens.delete(token);
  }

  createDashboard(id: string): void {
    if (!this.#logs.has(id)) this.#logs.set(id, []);
  }

  append(dashboardId: string, kind: EventKind, options: AppendOptions = {}): HubEvent {
    const log = this.#logs.get(dashboardId) ?? [];
    this.#logs.set(dashboardId, log);
    const seq = log.length + 1;
    const persona = kind === "alert.matched" ? (options.persona ?? null) : null;
    const prev = persona === null ? null : (log.filter((e) => e.persona === persona).at(-1)?.event.seq ?? 0);
    const data = persona === null ? { n: seq } : { subscriber_kind: "persona", subscriber_id: persona, n: seq };
    const event: HubEvent = { dashboard_id: dashboardId, seq, kind, at: new Date(1_700_000_000_000 + seq).toISOString(), actor: "tester", data };
    const entry: Entry = { event, persona, prev_seq: prev };
    log.push(entry);
    if (options.live !== false) {
      for (const session of this.sessions) {
        for (const channel of session.channels) {
          const frame = this.#frameFor(channel, entry);
          if (frame) this.send(session, frame);
        }
      }
    }
    return event;
  }

  /** Drops seqs `from..to` from the log, as retention would (and as no real log would in the middle). */
  prune(dashboardId: string, from: number, to: number): void {
    const log = this.#logs.get(dashboardId) ?? [];
    for (const entry of log) if (entry.event.seq >= from && entry.event.seq <= to) entry.gone = true;
    this.#prunedUpTo.set(dashboardId, Math.max(this.#prunedUpTo.get(dashboardId) ?? 0, to));
  }

  /** To every open session, as if each had earned it (a gap, a resent event). */
  sendToAll(frame: ServerFrame): void {
    for (const session of this.sessions) this.send(session, frame);
  }

  send(session: FakeSession, frame: ServerFrame): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(frame));
  }

  /** The event frame the hub would send for that seq on that channel (to send it again, say). */
  frame(channel: string, dashboardId: string, seq: number): ServerFrame {
    const entry = this.#logs.get(dashboardId)?.find((e) => e.event.seq === seq && !e.gone);
    const frame = entry && this.#frameFor(channel, entry);
    if (!frame) throw new Error(`no event ${dashboardId}#${seq} for ${channel}`);
    return frame;
  }

  closeAll(code: number, reason = ""): void {
    for (const session of this.sessions) if (session.socket.readyState === session.socket.OPEN) session.socket.close(code, reason);
  }

  /** Client frames of one op, across every session, in arrival order. */
  framesOf<Op extends ClientFrame["op"]>(op: Op): Array<Extract<ClientFrame, { op: Op }>> {
    return this.sessions.flatMap((s) => s.received).filter((f): f is Extract<ClientFrame, { op: Op }> => f.op === op);
  }

  eventRequests(): URLSearchParams[] {
    return this.requests.filter((r) => r.path.endsWith("/events")).map((r) => r.query);
  }

  #accept(socket: WebSocket): void {
    const session: FakeSession = { id: `s${this.sessions.length + 1}`, socket, token: undefined, persona: undefined, channels: new Set(), received: [], receivedAt: [] };
    this.sessions.push(session);
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      session.received.push(frame);
      session.receivedAt.push(Date.now());
      this.#onFrame(session, frame);
      changed();
    });
    socket.on("close", () => changed());
    changed();
  }

  #onFrame(session: FakeSession, frame: ClientFrame): void {
    if (session.persona === undefined) {
      const persona = frame.op === "auth" ? this.#tokens.get(frame.token) : undefined;
      if (persona === undefined) return session.socket.close(4401, "unauthorized");
      session.token = frame.op === "auth" ? frame.token : undefined;
      session.persona = persona;
      return this.send(session, { type: "welcome", session: session.id, heartbeat_ms: this.heartbeatMs });
    }
    switch (frame.op) {
      case "subscribe":
        return this.#subscribe(session, frame.channel, frame.since ?? {});
      case "unsubscribe":
        session.channels.delete(frame.channel);
        return;
      case "ping":
        if (this.answerPings) this.send(session, { type: "pong" });
        return;
      case "auth":
        // Renewal on the open connection, as the hub does it: the same persona gets a new welcome.
        if (this.#tokens.get(frame.token) !== session.persona) return session.socket.close(4401, "unauthorized");
        session.token = frame.token;
        return this.send(session, { type: "welcome", session: session.id, heartbeat_ms: this.heartbeatMs });
      case "ack":
        return;
    }
  }

  #subscribe(session: FakeSession, channel: string, since: Record<string, number>): void {
    const parsed = parseChannel(channel);
    if (!parsed) return this.send(session, { type: "error", code: "bad-request", message: "bad channel", channel });
    if (parsed.kind === "persona" && parsed.id !== session.persona) {
      return this.send(session, { type: "error", code: "forbidden", message: `not ${parsed.id}`, channel });
    }
    if (parsed.kind === "dashboard" && !this.#logs.has(parsed.id)) {
      return this.send(session, { type: "error", code: "not-found", message: "no such dashboard", channel });
    }
    const resumes = Object.entries(since).map(([id, seq]) => ({ id, seq: this.ignoreSince ? 0 : seq, pruned: this.#prunedUpTo.get(id) ?? 0 }));
    const recovered = resumes.every((r) => r.pruned <= r.seq);
    this.send(session, { type: "subscribed", channel, recovered });
    for (const { id, seq, pruned } of resumes) {
      if (pruned > seq) {
        this.send(session, { type: "gap", channel, dashboard_id: id, from_seq: seq + 1, to_seq: pruned, reason: "retention", recoverable: false });
      }
      for (const entry of this.#logs.get(id) ?? []) {
        const frame = entry.event.seq > seq ? this.#frameFor(channel, entry) : undefined;
        if (frame) this.send(session, frame);
      }
    }
    session.channels.add(channel);
  }

  #frameFor(channel: string, entry: Entry): ServerFrame | undefined {
    if (entry.gone) return undefined;
    if (channel === `dashboard:${entry.event.dashboard_id}`) return { type: "event", channel, ...entry.event };
    if (entry.persona !== null && channel === `persona:${entry.persona}`) return { type: "event", channel, prev_seq: entry.prev_seq ?? 0, ...entry.event };
    return undefined;
  }

  #serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    changed();
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (this.failRequests > 0) {
      this.failRequests -= 1;
      return reply(503, { type: "about:blank#unavailable", status: 503 });
    }
    const token = req.headers.authorization?.replace(/^Bearer /, "");
    if (token === undefined || !this.#tokens.has(token)) return reply(401, { type: "about:blank#unauthorized", status: 401 });
    const match = /^\/api\/dashboard\/([^/]+)(\/events)?$/.exec(url.pathname);
    const log = match?.[1] === undefined ? undefined : this.#logs.get(decodeURIComponent(match[1]));
    if (!match || !log) return reply(404, { type: "about:blank#not-found", status: 404 });
    if (!match[2]) return reply(200, { id: match[1], head_seq: log.length });
    const after = Number(url.searchParams.get("after_seq") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 100);
    if (limit > 1000) return reply(422, { type: "about:blank#validation", status: 422 });
    const persona = url.searchParams.get("persona");
    const events = log
      .filter((e) => !e.gone && e.event.seq > after && (persona === null || (e.event.kind === "alert.matched" && e.persona === persona)))
      .slice(0, limit)
      .map((e) => e.event);
    reply(200, { events, next_after_seq: events.at(-1)?.seq ?? after, head_seq: log.length });
  }
}
