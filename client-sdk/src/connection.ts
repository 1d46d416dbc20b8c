// One WebSocket session: auth first, then frames, heartbeat and a single way out. Every ending (the hub
// closes, the socket errors, the welcome or the heartbeat times out, the client leaves) goes through
// #finish, which runs once and reports once. Ops after auth leave at most `opsPerSecond` a second (a
// bucket of as many): the hub closes a connection that keeps going over its WS_MAX_OPS_PER_SEC, and a
// reconnect resubscribes every channel at once. Acks waiting their turn merge, since an ack is cumulative.
import type { ClientFrame, ServerFrame } from "./protocol.js";
import { parseServerFrame, type WelcomeFrame } from "./parse.js";
import { SOCKET_OPEN, type SocketLike } from "./socket.js";

export interface DisconnectReason {
  /** The hub's close code; null when the client decided (timeouts, resync, close()). */
  code: number | null;
  reason: string;
}

export interface ConnectionHandlers {
  welcome(frame: WelcomeFrame): void;
  frame(frame: ServerFrame): void;
  closed(reason: DisconnectReason): void;
}

export interface ConnectionOptions {
  /** From creating the socket to the hub's welcome. */
  connectTimeoutMs: number;
  /** Ops sent per second at most, in bursts of as many. */
  opsPerSecond: number;
  now: () => number;
}

export class Connection {
  readonly #socket: SocketLike;
  readonly #handlers: ConnectionHandlers;
  readonly #now: () => number;
  #finished = false;
  #welcomed = false;
  #lastHeardAt: number;
  #welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  readonly #opsPerSecond: number;
  #tokens: number;
  #refilledAt: number;
  readonly #outbox: ClientFrame[] = [];
  #outboxTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    socket: SocketLike,
    /** The token this connection authenticated with. */
    readonly token: string,
    handlers: ConnectionHandlers,
    options: ConnectionOptions,
  ) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.#now = options.now;
    this.#lastHeardAt = options.now();
    this.#opsPerSecond = options.opsPerSecond;
    this.#tokens = options.opsPerSecond;
    this.#refilledAt = options.now();
    this.#welcomeTimer = setTimeout(() => this.#finish({ code: null, reason: "no welcome in time" }), options.connectTimeoutMs);
    // The first auth is not an op the hub counts: it goes out at once.
    socket.onopen = () => socket.send(JSON.stringify({ op: "auth", token }));
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => this.#finish({ code: event.code, reason: event.reason || "closed by the hub" });
    // A browser fires close after error; `ws` may not when the handshake fails, so error ends it too.
    socket.onerror = () => this.#finish({ code: null, reason: "socket error" });
  }

  get welcomed(): boolean {
    return this.#welcomed && !this.#finished;
  }

  /** Queues the frame behind the ops limit; false when the connection can send nothing more. */
  send(frame: ClientFrame): boolean {
    if (this.#finished || this.#socket.readyState !== SOCKET_OPEN) return false;
    if (frame.op === "ack") {
      const waiting = this.#outbox.find((f) => f.op === "ack" && f.dashboard_id === frame.dashboard_id);
      if (waiting?.op === "ack") {
        waiting.seq = Math.max(waiting.seq, frame.seq);
        return true;
      }
    }
    this.#outbox.push(frame.op === "ack" ? { ...frame } : frame);
    this.#flush();
    return true;
  }

  /** Acks queued and never sent, for the next connection to send. */
  unsentAcks(): Array<{ dashboardId: string; seq: number }> {
    return this.#outbox.flatMap((f) => (f.op === "ack" ? [{ dashboardId: f.dashboard_id, seq: f.seq }] : []));
  }

  #flush(): void {
    if (this.#outboxTimer !== undefined || this.#finished) return;
    const now = this.#now();
    this.#tokens = Math.min(this.#opsPerSecond, this.#tokens + ((now - this.#refilledAt) * this.#opsPerSecond) / 1000);
    this.#refilledAt = now;
    while (this.#outbox.length > 0 && this.#tokens >= 1 && this.#socket.readyState === SOCKET_OPEN) {
      this.#socket.send(JSON.stringify(this.#outbox.shift()));
      this.#tokens -= 1;
    }
    if (this.#outbox.length === 0) return;
    const waitMs = Math.ceil(((1 - this.#tokens) * 1000) / this.#opsPerSecond);
    this.#outboxTimer = setTimeout(() => {
      this.#outboxTimer = undefined;
      this.#flush();
    }, waitMs);
  }

  disconnect(reason: string): void {
    this.#finish({ code: null, reason });
  }

  #receive(data: unknown): void {
    if (this.#finished) return;
    this.#lastHeardAt = this.#now();
    const frame = parseServerFrame(data);
    if (!frame) return;
    if (frame.type === "welcome" && !this.#welcomed) {
      this.#welcomed = true;
      clearTimeout(this.#welcomeTimer);
      this.#startHeartbeat(frame.heartbeat_ms);
      this.#handlers.welcome(frame);
      return;
    }
    this.#handlers.frame(frame);
  }

  #startHeartbeat(intervalMs: number): void {
    if (intervalMs <= 0) return;
    let pingedAt: number | undefined;
    this.#heartbeat = setInterval(() => {
      // Any frame proves the hub is alive; two silent intervals mean the path is dead even if TCP says not.
      // Only silence after a ping counts: a timer that fired late (a busy event loop) is not the hub's fault.
      const now = this.#now();
      const unanswered = pingedAt !== undefined && this.#lastHeardAt < pingedAt;
      if (unanswered && now - this.#lastHeardAt > 2 * intervalMs) return this.#finish({ code: null, reason: "heartbeat timeout" });
      if (this.send({ op: "ping" }) && !unanswered) pingedAt = now;
    }, intervalMs);
  }

  #finish(reason: DisconnectReason): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#welcomeTimer);
    clearInterval(this.#heartbeat);
    clearTimeout(this.#outboxTimer);
    this.#outboxTimer = undefined;
    const socket = this.#socket;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // `ws` throws an 'error' event that has no listener, so keep a silent one.
    socket.onerror = () => {};
    try {
      if (socket.readyState <= SOCKET_OPEN) socket.close(1000, reason.reason.slice(0, 120));
    } catch {
      // Closing a socket that is still connecting may throw in some implementations; it is gone either way.
    }
    this.#handlers.closed(reason);
  }
}
