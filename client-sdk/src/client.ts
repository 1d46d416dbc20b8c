// The client: one connection at a time, reconnects with backoff, the channels it resubscribes, and the
// connection's token renewed on it before it expires (renewal.ts).
// Close codes: 4401 → new token and retry (bounded); 4429 → a longer wait; anything else (1001 shutdown,
// 4408 slow consumer, 1006, timeouts, resync) → reconnect and resume from `since`.
import { fullJitter, politeDelay } from "./backoff.js";
import { ChannelSync } from "./channel-sync.js";
import { Connection, type DisconnectReason } from "./connection.js";
import { Delivery } from "./delivery.js";
import { Emitter, type Unsubscribe } from "./emitter.js";
import { DashwatchError, type DashwatchErrorCode } from "./errors.js";
import { checkSince, resolveOptions, type ClientOptions, type ResolvedOptions } from "./options.js";
import { Positions } from "./positions.js";
import { CLOSE, parseChannel, type ServerFrame } from "./protocol.js";
import { TokenRenewal } from "./renewal.js";
import { ReplayClient } from "./replay.js";
import { resolveWebSocket } from "./socket.js";
import { Subscription, type SubscribeOptions } from "./subscription.js";
import { TokenSource } from "./tokens.js";

export type ClientState = "connecting" | "connected" | "disconnected" | "closed";

export type ClientEvents = {
  state: ClientState;
  error: DashwatchError;
};

interface ChannelEntry {
  readonly channel: string;
  readonly delivery: Delivery;
  readonly sync: ChannelSync;
  readonly ready: Promise<void>;
  /** The connection this channel's subscribe went out on; resubscribe when it is not the current one. */
  sentOn: Connection | undefined;
}

/** Items the SDK holds for the app before the lanes wait (the lanes' own bound is maxBufferedEvents). */
const DELIVERY_QUEUE = 16;
const CHANNEL_REFUSALS = new Set<DashwatchErrorCode>(["forbidden", "not-found", "bad-request", "limit"]);

export function createClient(options: ClientOptions): Client {
  return new Client(resolveOptions(options));
}

export class Client {
  readonly #options: ResolvedOptions;
  readonly #emitter = new Emitter<ClientEvents>();
  readonly #tokens: TokenSource;
  readonly #replay: ReplayClient;
  readonly #channels = new Map<string, ChannelEntry>();
  /** Acks are cumulative, so only the highest per dashboard waits for a connection. */
  readonly #unsentAcks = new Map<string, number>();
  #state: ClientState = "disconnected";
  #connection: Connection | undefined;
  #renewal: TokenRenewal | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #authFailures = 0;
  #closed = false;

  /** @internal use createClient() */
  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#tokens = new TokenSource(options.token, options.getToken, options.now);
    this.#replay = new ReplayClient(options.httpBase, options.fetch, this.#tokens, options.replayPageSize);
    // Not in the constructor's turn: listeners attached right after createClient() see "connecting".
    queueMicrotask(() => void this.#connect());
  }

  get state(): ClientState {
    return this.#state;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (arg: ClientEvents[K]) => unknown): Unsubscribe {
    return this.#emitter.on(name, listener);
  }

  subscribe(channel: string, options: SubscribeOptions = {}): Subscription {
    if (this.#closed) throw new Error("subscribe(): the client is closed");
    const parsed = parseChannel(channel);
    if (!parsed) throw new TypeError(`subscribe(): "${channel}" is neither dashboard:<id> nor persona:<id>`);
    if (this.#channels.has(channel)) throw new Error(`subscribe(): already subscribed to ${channel}`);
    checkSince(options.since);
    const { storage, autoAck, iteratorBuffer, maxBufferedEvents, replayAttempts } = this.#options;
    const positions = new Positions(storage, channel, (cause) =>
      delivery.report(new DashwatchError("storage-failed", `could not save positions of ${channel}`, { cause })),
    );
    const delivery = new Delivery({ capacity: DELIVERY_QUEUE, iteratorBuffer, autoAck, ack: (id, seq) => this.ack(id, seq), positions });
    const sync = new ChannelSync({
      channel,
      parsed,
      delivery,
      replay: this.#replay,
      maxHeld: maxBufferedEvents,
      replayAttempts,
      retryDelayMs: (attempt) => fullJitter(attempt, this.#options.backoff, this.#options.random),
      resync: (reason) => this.#connection?.disconnect(reason),
      now: this.#options.now,
    });
    const entry: ChannelEntry = { channel, delivery, sync, ready: sync.prepare(positions, options.since), sentOn: undefined };
    this.#channels.set(channel, entry);
    if (this.#connection?.welcomed) void this.#sendSubscribe(entry, this.#connection);
    return new Subscription(channel, delivery, () => this.#leave(entry));
  }

  ack(dashboardId: string, seq: number): void {
    if (typeof dashboardId !== "string" || !Number.isSafeInteger(seq) || seq < 1) throw new TypeError("ack(): needs a dashboard id and a seq >= 1");
    if (this.#closed) return;
    const sent = this.#connection?.welcomed === true && this.#connection.send({ op: "ack", dashboard_id: dashboardId, seq });
    if (!sent) this.#unsentAcks.set(dashboardId, Math.max(seq, this.#unsentAcks.get(dashboardId) ?? 0));
  }

  close(): void {
    this.#shutdown(undefined);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    this.#setState("connecting");
    const socketClass = resolveWebSocket(this.#options.WebSocket).catch((cause: unknown) => {
      throw new DashwatchError("no-websocket", "no WebSocket: install the `ws` package or pass options.WebSocket", { fatal: true, cause });
    });
    const token = this.#tokens.forConnect().catch((cause: unknown) => {
      throw new DashwatchError("token-failed", "getToken() failed", { cause });
    });
    let connection: Connection;
    try {
      const [Socket, value] = await Promise.all([socketClass, token]);
      if (this.#closed) return;
      connection = new Connection(
        new Socket(this.#options.wsUrl),
        value,
        {
          welcome: () => this.#onWelcome(connection),
          frame: (frame) => this.#onFrame(connection, frame),
          closed: (reason) => this.#onClosed(connection, reason),
        },
        { connectTimeoutMs: this.#options.connectTimeoutMs, opsPerSecond: this.#options.opsPerSecond, now: this.#options.now },
      );
    } catch (error) {
      if (this.#closed) return;
      const reported = error instanceof DashwatchError ? error : new DashwatchError("hub-error", "could not open the WebSocket", { cause: error });
      if (reported.fatal) return this.#shutdown(reported);
      this.#emitter.notify("error", reported);
      return this.#reconnect({ code: null, reason: reported.message });
    }
    this.#connection = connection;
  }

  #onWelcome(connection: Connection): void {
    if (connection !== this.#connection) return;
    this.#attempt = 0;
    this.#authFailures = 0;
    this.#setState("connected");
    this.#renewal?.stop();
    if (this.#tokens.refreshable) this.#renewal = new TokenRenewal(connection, connection.token, () => this.#tokens.forConnect(), this.#options.now);
    for (const [dashboardId, seq] of this.#unsentAcks) connection.send({ op: "ack", dashboard_id: dashboardId, seq });
    this.#unsentAcks.clear();
    for (const entry of this.#channels.values()) void this.#sendSubscribe(entry, connection);
  }

  async #sendSubscribe(entry: ChannelEntry, connection: Connection): Promise<void> {
    await entry.ready;
    const current = this.#channels.get(entry.channel) === entry && connection === this.#connection && connection.welcomed;
    if (!current || entry.sentOn === connection) return;
    entry.sentOn = connection;
    const since = entry.sync.since();
    connection.send(since ? { op: "subscribe", channel: entry.channel, since } : { op: "subscribe", channel: entry.channel });
  }

  #onFrame(connection: Connection, frame: ServerFrame): void {
    if (connection !== this.#connection) return;
    switch (frame.type) {
      case "event":
        return this.#channels.get(frame.channel)?.sync.event(frame);
      case "gap":
        return this.#channels.get(frame.channel)?.sync.gap(frame);
      case "error":
        return this.#onErrorFrame(frame);
      // `recovered: false` comes with a gap frame, which is where the work happens.
      case "subscribed":
      case "pong":
      case "welcome":
        return;
      default: {
        const unknown: never = frame;
        return unknown;
      }
    }
  }

  #onErrorFrame(frame: Extract<ServerFrame, { type: "error" }>): void {
    const entry = frame.channel === undefined ? undefined : this.#channels.get(frame.channel);
    const code: DashwatchErrorCode = CHANNEL_REFUSALS.has(frame.code) ? frame.code : "hub-error";
    if (!entry) return this.#emitter.notify("error", new DashwatchError("hub-error", `${frame.code}: ${frame.message}`));
    // A refusal would only be repeated: drop the channel so that no reconnect asks again.
    this.#channels.delete(entry.channel);
    entry.sync.close();
    entry.delivery.end(new DashwatchError(code, frame.message, { fatal: true }));
  }

  #onClosed(connection: Connection, reason: DisconnectReason): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    this.#renewal?.stop();
    for (const { dashboardId, seq } of connection.unsentAcks()) this.#unsentAcks.set(dashboardId, Math.max(seq, this.#unsentAcks.get(dashboardId) ?? 0));
    if (this.#closed) return;
    if (reason.code === CLOSE.unauthorized) {
      this.#authFailures += 1;
      if (!this.#tokens.refreshable || this.#authFailures > this.#options.authRetries) {
        return this.#shutdown(new DashwatchError("unauthorized", `the hub refused the token ${this.#authFailures} time(s): ${reason.reason}`, { fatal: true }));
      }
    }
    this.#reconnect(reason);
  }

  #reconnect(reason: DisconnectReason): void {
    this.#setState("disconnected");
    const { backoff, random } = this.#options;
    const delay = reason.code === CLOSE.tooManyConnections ? politeDelay(this.#attempt, backoff, random) : fullJitter(this.#attempt, backoff, random);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#connect();
    }, delay);
  }

  #leave(entry: ChannelEntry): void {
    if (this.#channels.get(entry.channel) !== entry) return;
    this.#channels.delete(entry.channel);
    if (entry.sentOn !== undefined && entry.sentOn === this.#connection) entry.sentOn.send({ op: "unsubscribe", channel: entry.channel });
    entry.sync.close();
    entry.delivery.end();
  }

  #shutdown(error: DashwatchError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#renewal?.stop();
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.disconnect("client closed");
    for (const entry of this.#channels.values()) {
      entry.sync.close();
      entry.delivery.end(error);
    }
    this.#channels.clear();
    if (error) this.#emitter.notify("error", error);
    this.#setState("closed");
  }

  #setState(state: ClientState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emitter.notify("state", state);
  }
}
