// One WebSocket session: auth first, then frames, heartbeat and a single way out. Every ending (the hub
// closes, the socket errors, the welcome or the heartbeat times out, the client leaves) goes through
// #finish, which runs once and reports once.
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

  constructor(socket: SocketLike, token: string, handlers: ConnectionHandlers, options: ConnectionOptions) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.#now = options.now;
    this.#lastHeardAt = options.now();
    this.#welcomeTimer = setTimeout(() => this.#finish({ code: null, reason: "no welcome in time" }), options.connectTimeoutMs);
    socket.onopen = () => this.send({ op: "auth", token });
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => this.#finish({ code: event.code, reason: event.reason || "closed by the hub" });
    // A browser fires close after error; `ws` may not when the handshake fails, so error ends it too.
    socket.onerror = () => this.#finish({ code: null, reason: "socket error" });
  }

  get welcomed(): boolean {
    return this.#welcomed && !this.#finished;
  }

  send(frame: ClientFrame): boolean {
    if (this.#finished || this.#socket.readyState !== SOCKET_OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
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
