// Client options: defaults, derived URLs, and every bad setting reported at once when the client is built.
import type { BackoffOptions, Random } from "./backoff.js";
import type { FetchLike } from "./replay.js";
import type { SocketConstructor } from "./socket.js";
import { memoryStorage, type PositionStorage } from "./storage.js";
import type { GetToken } from "./tokens.js";

export interface ClientOptions {
  /** The hub's http(s) base URL; the WebSocket is `/ws` under it. */
  url: string;
  token?: string;
  /** Called on every (re)connect, and for an HTTP replay when the token is about to expire or was refused. */
  getToken?: GetToken;
  /** Where delivered positions survive restarts. Default: memory. */
  storage?: PositionStorage;
  /** Default: globalThis.fetch. */
  fetch?: FetchLike;
  /** Default: globalThis.WebSocket, else the `ws` package. */
  WebSocket?: SocketConstructor;
  /** Reconnect delays, full jitter. Default {minMs: 500, maxMs: 20000}. */
  backoff?: Partial<BackoffOptions>;
  /** Ack each alert.matched event once every consumer is done with it. Default false. */
  autoAck?: boolean;
  /** Reconnects after consecutive 4401 closes before giving up (getToken only). Default 3. */
  authRetries?: number;
  /** Socket creation to welcome. Default 10000. */
  connectTimeoutMs?: number;
  /** Events held per dashboard while the app or a replay is behind. Default 1000. */
  maxBufferedEvents?: number;
  /** Events an iterator holds before delivery pauses. Default 100. */
  iteratorBuffer?: number;
  /** Events per replay page, 1..1000. Default 1000. */
  replayPageSize?: number;
  /** Tries per replay before resubscribing instead. Default 3. */
  replayAttempts?: number;
  /** Ops (subscribe, ack, ping, ...) sent per second at most; keep it under the hub's WS_MAX_OPS_PER_SEC / 2. Default 20. */
  opsPerSecond?: number;
  random?: Random;
  now?: () => number;
}

export interface ResolvedOptions {
  httpBase: string;
  wsUrl: string;
  token: string | undefined;
  getToken: GetToken | undefined;
  storage: PositionStorage;
  fetch: FetchLike;
  WebSocket: SocketConstructor | undefined;
  backoff: BackoffOptions;
  autoAck: boolean;
  authRetries: number;
  connectTimeoutMs: number;
  maxBufferedEvents: number;
  iteratorBuffer: number;
  replayPageSize: number;
  replayAttempts: number;
  opsPerSecond: number;
  random: Random;
  now: () => number;
}

export function resolveOptions(input: ClientOptions): ResolvedOptions {
  const problems: string[] = [];
  const int = (name: keyof ClientOptions, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < min || value > max) problems.push(`${name} must be an integer in ${min}..${max}`);
    return value;
  };
  const urls = deriveUrls(input.url, problems);
  if (input.token === undefined && input.getToken === undefined) problems.push("token or getToken is required");
  if (input.token !== undefined && input.getToken !== undefined) problems.push("give token or getToken, not both");
  if (input.token !== undefined && (typeof input.token !== "string" || input.token.length === 0)) problems.push("token must be a non-empty string");
  const fetchImpl = input.fetch ?? (typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined);
  if (!fetchImpl) problems.push("no fetch in this environment: pass options.fetch");
  const minMs = input.backoff?.minMs ?? 500;
  const maxMs = input.backoff?.maxMs ?? 20_000;
  if (!(Number.isFinite(minMs) && minMs >= 1 && Number.isFinite(maxMs) && maxMs >= minMs)) problems.push("backoff needs 1 <= minMs <= maxMs");
  const resolved: ResolvedOptions = {
    ...urls,
    token: input.token,
    getToken: input.getToken,
    storage: input.storage ?? memoryStorage(),
    fetch: fetchImpl ?? (() => Promise.reject(new Error("no fetch"))),
    WebSocket: input.WebSocket,
    backoff: { minMs, maxMs },
    autoAck: input.autoAck ?? false,
    authRetries: int("authRetries", input.authRetries, 3, 0),
    connectTimeoutMs: int("connectTimeoutMs", input.connectTimeoutMs, 10_000, 1),
    maxBufferedEvents: int("maxBufferedEvents", input.maxBufferedEvents, 1000, 1),
    iteratorBuffer: int("iteratorBuffer", input.iteratorBuffer, 100, 1),
    replayPageSize: int("replayPageSize", input.replayPageSize, 1000, 1, 1000),
    replayAttempts: int("replayAttempts", input.replayAttempts, 3, 1),
    opsPerSecond: int("opsPerSecond", input.opsPerSecond, 20, 1, 1000),
    random: input.random ?? Math.random,
    now: input.now ?? Date.now,
  };
  if (problems.length > 0) throw new TypeError(`createClient(): ${problems.join("; ")}`);
  return resolved;
}

function deriveUrls(url: string, problems: string[]): { httpBase: string; wsUrl: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push("url must be an absolute http(s) URL");
    return { httpBase: "", wsUrl: "" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") problems.push("url must be http: or https:");
  parsed.search = "";
  parsed.hash = "";
  const httpBase = parsed.href.replace(/\/+$/, "");
  const ws = new URL(`${httpBase}/ws`);
  ws.protocol = parsed.protocol === "https:" ? "wss:" : "ws:";
  return { httpBase, wsUrl: ws.href };
}

export function checkSince(since: Record<string, number> | undefined): void {
  if (since === undefined) return;
  if (typeof since !== "object" || since === null) throw new TypeError("subscribe(): since must be {dashboard_id: seq}");
  for (const [id, seq] of Object.entries(since)) {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new TypeError(`subscribe(): since.${id} must be an integer >= 0`);
  }
}
