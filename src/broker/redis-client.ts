// One node-redis connection with the events the broker cares about reduced to two callbacks:
// "ready" and "lost". A connection can be replaced wholesale, which is how a silent one is forced to reconnect.
import { createClient } from "redis";

export type RedisClient = ReturnType<typeof createClient>;

export interface ManagedClientOptions {
  url: string;
  name: string;
  connectTimeoutMs: number;
  reconnectDelay: (attempt: number) => number;
  onReady: () => void;
  onLost: (reason: string, error?: unknown) => void;
}

export interface ManagedClient {
  /** The live client; replaced by `replace()`. */
  readonly client: RedisClient;
  readonly ready: boolean;
  /** Drops the current connection (even one that looks healthy) and starts a fresh one. */
  replace(): void;
  destroy(): void;
}

export function createManagedClient(options: ManagedClientOptions): ManagedClient {
  let ready = false;
  let destroyed = false;
  let client = open();

  function open(): RedisClient {
    const c: RedisClient = createClient({
      url: options.url,
      name: options.name,
      // Commands fail instead of queueing while disconnected: nothing piles up in memory during an outage.
      disableOfflineQueue: true,
      commandsQueueMaxLength: 10_000,
      socket: { connectTimeout: options.connectTimeoutMs, reconnectStrategy: (attempt) => options.reconnectDelay(attempt) },
    });
    const current = () => !destroyed && c === client;
    c.on("ready", () => {
      if (!current()) return;
      ready = true;
      options.onReady();
    });
    const lost = (reason: string) => (error?: unknown) => {
      if (!current()) return;
      ready = false;
      options.onLost(reason, error);
    };
    c.on("error", lost("error"));
    c.on("reconnecting", lost("reconnecting"));
    c.on("end", lost("end"));
    // The first attempt's failure is already reported through "error"; connect() retries by itself.
    c.connect().catch(() => {});
    return c;
  }

  function drop(c: RedisClient) {
    c.removeAllListeners();
    // A late error from the dropped client must not crash the process as an unhandled "error" event.
    c.on("error", () => {});
    try {
      c.destroy();
    } catch {
      // Already closed.
    }
  }

  return {
    get client() {
      return client;
    },
    get ready() {
      return ready && !destroyed;
    },
    replace() {
      if (destroyed) return;
      const old = client;
      ready = false;
      client = open();
      drop(old);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      ready = false;
      drop(client);
    },
  };
}
