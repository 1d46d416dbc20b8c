// One WebSocket connection: auth first, then the client's ops, one at a time in arrival order, and the
// connection's feeds. A session lasts as long as its token: the hub's deadlines close it with 4401 at the
// token's expiry (tolerance included) unless an `auth` on the open connection, for the same sub, moved it.
// Everything a session holds is released in one place, dispose().
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { RawData, WebSocket } from "ws";
import { CLOSE, parseChannel, type ClientFrame, type ErrorCode } from "../protocol/frames.js";
import type { Store } from "../store/store.js";
import type { VerifiedPrincipal, VerifyToken } from "../principal.js";
import { canSubscribe } from "./access.js";
import { AckGate, type AckStore } from "./ack-gate.js";
import type { ChannelIndex } from "./channel-index.js";
import { parseClientFrame, type FrameLimits } from "./client-frame.js";
import type { Deadlines } from "./deadlines.js";
import type { HubConfig } from "./hub-config.js";
import type { HubMetrics } from "./hub-metrics.js";
import type { LogReader } from "./log-reader.js";
import { OpLimit } from "./op-limit.js";
import { SessionChannels } from "./session-channels.js";
import { Writer, type WriterSettings } from "./writer.js";

export interface SessionContext {
  config: HubConfig;
  store: Pick<Store, "getDashboard" | "recordAck"> & AckStore;
  reader: LogReader;
  index: ChannelIndex;
  verifyToken: VerifyToken;
  logger: Logger;
  metrics: HubMetrics;
  /** One for the whole hub. */
  writer: WriterSettings;
  /** The hub's clock for token deadlines and the ops limit. */
  now(): number;
  /** One for the whole hub: the auth deadline, then the token's; due → deadlinePassed(). */
  deadlines: Deadlines<Session>;
  feed: { inboxLimit: number; maxCatchUpPages: number; firstSightSkewMs: number };
  /** Counts the persona's connection on this node; false when it has too many already. */
  admit(persona: string): boolean;
  release(persona: string): void;
  onAuthenticated(session: Session): void;
  onDisposed(session: Session): void;
}

const sessionOf = new WeakMap<WebSocket, Session>();

/** Frames read ahead of the one being handled; past this the socket stops being read. */
const INBOUND_LIMIT = 32;

export class Session {
  readonly id = randomUUID();
  private principal: VerifiedPrincipal | null = null;
  private ops: OpLimit | undefined;
  private acks: AckGate | undefined;
  private readonly channels: SessionChannels;
  /** Made once: every inbound frame is parsed against them. */
  private readonly frameLimits: FrameLimits;
  private readonly inbound: { data: RawData; isBinary: boolean }[] = [];
  private processing = false;
  private alive = true;
  private disposed = false;
  private readonly writer: Writer;
  private childLog: Logger | undefined;

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket ws upgraded: event frames are written to it directly (writer.ts says why). */
    stream: Duplex,
    private readonly ctx: SessionContext,
  ) {
    this.writer = new Writer(ws, stream, this, ctx.writer);
    this.channels = new SessionChannels(ctx, this.writer);
    this.frameLimits = { maxSinceKeys: ctx.config.wsMaxChannels };
    // Shared listeners that find their session, not closures per connection (see WriterSettings).
    sessionOf.set(ws, this);
    ws.on("message", Session.onMessage);
    ws.on("pong", Session.onPong);
    ws.on("close", Session.onClose);
    ws.on("error", Session.onError);
    ctx.deadlines.set(this, ctx.now() + ctx.config.authTimeoutMs);
  }

  private static onMessage(this: WebSocket, data: RawData, isBinary: boolean) {
    sessionOf.get(this)?.receive(data, isBinary);
  }

  private static onPong(this: WebSocket) {
    const session = sessionOf.get(this);
    if (session) session.alive = true;
  }

  private static onClose(this: WebSocket) {
    sessionOf.get(this)?.dispose();
  }

  private static onError(this: WebSocket, error: Error) {
    sessionOf.get(this)?.log.debug({ err: error }, "socket error");
  }

  /** The auth deadline, or the token's, has passed. */
  deadlinePassed(): void {
    this.close(CLOSE.unauthorized, this.principal ? "token expired" : "auth timeout");
  }

  /** Too many connections waiting for auth on this node: the oldest makes room. */
  evict(): void {
    this.close(CLOSE.unauthorized, "too many connections waiting for auth");
  }

  /** The writer's owner: over budget too long, or replies piling up unread. */
  slowConsumer(): void {
    this.ctx.metrics.slowConsumerCloses.inc();
    this.close(CLOSE.slowConsumer, "slow consumer");
  }

  // Made on first use: a pino child per idle connection is kilobytes that most sessions never log with.
  private get log(): Logger {
    return (this.childLog ??= this.ctx.logger.child({ session: this.id }));
  }

  get subscriptionCount(): number {
    return this.channels.size;
  }

  get queuedBytes(): number {
    return this.writer.bufferedBytes;
  }

  get pendingEntries(): number {
    return this.channels.pendingEntries;
  }

  /** Called every heartbeatMs: a connection that answered nothing since the last ping is gone. */
  heartbeat(): void {
    if (this.disposed) return;
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  /** Shutdown: stop feeding, let what is queued reach the client, then close with 1001. */
  async shutdown(drainTimeoutMs: number): Promise<void> {
    this.channels.stopAll();
    const deadline = Date.now() + drainTimeoutMs;
    // Polling is fine here: it runs once, at shutdown, and ws has no drain event of its own.
    while (this.ws.readyState === this.ws.OPEN && this.ws.bufferedAmount > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const closed = new Promise<void>((resolve) => {
      if (this.ws.readyState === this.ws.CLOSED) resolve();
      else this.ws.once("close", () => resolve());
    });
    this.close(CLOSE.goingAway, "shutting down");
    const timer = setTimeout(() => this.ws.terminate(), Math.max(100, deadline - Date.now()));
    await closed;
    clearTimeout(timer);
  }

  private receive(data: RawData, isBinary: boolean) {
    if (this.disposed) return;
    this.alive = true;
    // Counted on arrival, so that a dropped op costs no parse and no place in the queue.
    if (this.ops && !this.admitOp()) return;
    this.inbound.push({ data, isBinary });
    if (this.inbound.length >= INBOUND_LIMIT && !this.ws.isPaused) this.ws.pause();
    void this.drain();
  }

  private async drain() {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.inbound.shift(); item && !this.disposed; item = this.inbound.shift()) {
        if (this.ws.isPaused && this.inbound.length < INBOUND_LIMIT / 2) this.ws.resume();
        const text = item.isBinary ? null : toText(item.data);
        if (this.principal) await this.handle(text);
        else await this.authenticate(text);
      }
    } catch (error) {
      this.log.error({ err: error }, "session failed");
      this.close(1011, "internal error");
    } finally {
      this.processing = false;
    }
  }

  private admitOp(): boolean {
    const verdict = this.ops!.check(this.ctx.now());
    switch (verdict) {
      case "handle":
        return true;
      case "warn":
        this.error("limit", `more than ${this.ctx.config.wsMaxOpsPerSec} ops in a second: ops are dropped until the next second, and another second over closes the connection`);
        return false;
      case "drop":
        return false;
      case "close":
        this.close(CLOSE.slowConsumer, "too many ops");
        return false;
      default: {
        const never: never = verdict;
        return never;
      }
    }
  }

  private async authenticate(text: string | null) {
    const parsed = text === null ? null : parseClientFrame(text, this.frameLimits);
    if (!parsed?.ok || parsed.frame.op !== "auth") return this.close(CLOSE.unauthorized, "auth must come first");
    const principal = await this.ctx.verifyToken(parsed.frame.token).catch(() => null);
    if (this.disposed) return;
    if (!principal) return this.close(CLOSE.unauthorized, "bad token");
    if (!this.ctx.admit(principal.sub)) return this.close(CLOSE.tooManyConnections, "too many connections");
    this.principal = principal;
    this.ops = new OpLimit(this.ctx.config.wsMaxOpsPerSec);
    this.ctx.onAuthenticated(this);
    this.ctx.deadlines.set(this, principal.expiresAt);
    this.welcome();
  }

  /** `auth` on an open connection: a token for the same sub moves the deadline; anything else ends it. */
  private async reauthenticate(token: string) {
    const principal = await this.ctx.verifyToken(token).catch(() => null);
    if (this.disposed) return;
    if (!principal) return this.close(CLOSE.unauthorized, "bad token");
    if (principal.sub !== this.principal!.sub) return this.close(CLOSE.unauthorized, "a token for another sub");
    this.principal = principal;
    this.ctx.deadlines.set(this, principal.expiresAt);
    // The new token's roles hold from now on, for the channels already held too.
    for (const name of this.channels.names()) {
      const channel = parseChannel(name);
      if (channel && !canSubscribe(principal, channel)) {
        this.channels.drop(name);
        this.error("forbidden", "the new token may not hold this channel", name);
      }
    }
    this.welcome();
  }

  private welcome() {
    this.writer.control({ type: "welcome", session: this.id, heartbeat_ms: this.ctx.config.heartbeatMs });
  }

  private async handle(text: string | null) {
    if (text === null) return this.error("bad-request", "binary frames are not accepted");
    const parsed = parseClientFrame(text, this.frameLimits);
    if (!parsed.ok) return this.error("bad-request", parsed.message, parsed.channel);
    const frame: ClientFrame = parsed.frame;
    switch (frame.op) {
      case "auth":
        return this.reauthenticate(frame.token);
      case "subscribe":
        return this.subscribe(frame.channel, frame.since);
      case "unsubscribe":
        if (!parseChannel(frame.channel)) return this.error("bad-request", "unknown channel form", frame.channel);
        return this.channels.drop(frame.channel);
      case "ack":
        return this.ack(frame.dashboard_id, frame.seq);
      case "ping":
        return this.writer.control({ type: "pong" });
      default: {
        const never: never = frame;
        return never;
      }
    }
  }

  private async subscribe(name: string, since: Record<string, number> | undefined) {
    const principal = this.principal!;
    const channel = parseChannel(name);
    if (!channel) return this.error("bad-request", "channel must be dashboard:<id> or persona:<id>", name);
    if (!canSubscribe(principal, channel)) return this.error("forbidden", "not allowed on this channel", name);
    if (this.channels.has(name)) return this.error("bad-request", "already subscribed", name);
    if (this.channels.size >= this.ctx.config.wsMaxChannels) return this.error("limit", `at most ${this.ctx.config.wsMaxChannels} channels`, name);
    const result = await this.channels.open(name, channel, since);
    if (!result.ok) this.error(result.code, result.message, name);
  }

  private async ack(dashboardId: string, seq: number) {
    const { held, delivered } = this.channels.dashboardPosition(dashboardId);
    this.acks ??= new AckGate(this.ctx.store, this.principal!.sub);
    const refusal = await this.acks.refusal(dashboardId, seq, { holdsChannel: held, delivered });
    if (this.disposed) return;
    if (refusal !== null) return this.error("bad-request", refusal);
    try {
      await this.ctx.store.recordAck(this.principal!.sub, dashboardId, seq, this.id);
    } catch (error) {
      this.log.warn({ err: error, dashboard_id: dashboardId }, "ack not recorded");
    }
  }

  private error(code: ErrorCode, message: string, channel?: string) {
    this.writer.control({ type: "error", code, message, ...(channel !== undefined ? { channel } : {}) });
  }

  private close(code: number, reason: string) {
    if (this.disposed) return;
    // A frame the writer holds for the end of the turn belongs before the close frame.
    this.writer.endOfTurn();
    this.ws.close(code, reason);
    this.dispose();
  }

  private dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.ctx.deadlines.delete(this);
    this.channels.dropAll();
    this.writer.dispose();
    this.inbound.length = 0;
    if (this.principal) this.ctx.release(this.principal.sub);
    this.ctx.onDisposed(this);
  }
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
