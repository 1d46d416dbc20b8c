// The Redis Cluster broker: sharded pub/sub (SPUBLISH/SSUBSCRIBE), so each topic lives on the one shard
// that owns its slot and no message crosses the cluster bus to the others. Health is per shard (a probe
// round trip through each master); a down shard takes only its own topics down, and the hub catches up
// just their feeds. A topic whose slot moves is subscribed again at its new owner and reported "up", so
// its feeds read past whatever was published during the move.
import { randomBytes } from "node:crypto";
import { pino, type Logger } from "pino";
import { createCluster } from "redis";
import { fullJitterBackoff } from "../backoff.js";
import { publishEach, type Broker, type BrokerState, type ShardHealth } from "./broker.js";
import { BrokerDownError } from "./broker-down-error.js";
import { createShardProbe, ownerOf, type Cluster } from "./cluster-probe.js";
import type { RedisHealthOptions } from "./redis-broker.js";
import { createStateListeners } from "./state-listeners.js";
import { withTimeout } from "../timeout.js";

/** Probes run per shard; `probeIntervalMs` also paces a down shard's recovery. */
export interface RedisClusterBrokerOptions extends RedisHealthOptions {
  /** Seed nodes, `redis://host:port`. */
  urls: string[];
  /** A topic whose last local listener left stays subscribed this long: a channel that flaps causes no churn. Default 2000. */
  unsubscribeDelayMs?: number;
}

export interface RedisClusterBroker extends Broker {
  readonly nodeChannel: string;
  readonly shards: ShardHealth;
  waitUntilUp(timeoutMs: number): Promise<boolean>;
}

export function createRedisClusterBroker(options: RedisClusterBrokerOptions): RedisClusterBroker {
  const log = options.logger ?? pino({ level: "silent" });
  const commandTimeoutMs = options.commandTimeoutMs ?? 1000;
  const nodeChannel = `dw:node:${randomBytes(8).toString("hex")}`;
  const probe = createShardProbe(nodeChannel, { timeoutMs: options.probeTimeoutMs ?? 1000, commandTimeoutMs });
  const reconnectDelay = fullJitterBackoff(options.reconnect);
  const handlers = new Map<string, (message: string) => void>();
  const lingering = new Map<string, NodeJS.Timeout>();
  /** Where each wanted topic was last subscribed: a different owner now means its slot moved. */
  const owners = new Map<string, string>();
  const shardStates = new Map<string, BrokerState>();
  const whole = createStateListeners(log);
  const topicListeners = new Set<(topics: string[], state: BrokerState) => void>();
  const hooked = new WeakSet<object>();
  let cluster: Cluster | null = null;
  let closed = false;
  let checking = false;
  let checkAgain = false;

  const onMessage = (message: string, channel: string) => {
    if (!probe.hear(message, channel)) handlers.get(channel)?.(message);
  };
  const wanted = () => [...handlers.keys(), ...lingering.keys()];
  const shardOf = (topic: string) => (cluster ? ownerOf(cluster, topic) : undefined);
  const topicState = (topic: string): BrokerState => {
    const owner = shardOf(topic);
    return owner === undefined ? "down" : (shardStates.get(owner) ?? "down");
  };

  function emitTopics(topics: string[], state: BrokerState) {
    if (topics.length === 0 || closed) return;
    for (const listener of topicListeners) {
      try {
        listener(topics, state);
      } catch (error) {
        log.error({ err: error }, "broker topic listener threw");
      }
    }
  }

  function setShard(address: string, next: BrokerState) {
    if (shardStates.get(address) === next) return;
    shardStates.set(address, next);
    log.info({ shard: address, state: next }, "broker shard state");
    emitTopics(wanted().filter((t) => shardOf(t) === address), next);
  }

  async function subscribeAt(c: Cluster, topics: string[]) {
    await Promise.all(
      topics.map(async (topic) => {
        // Idempotent in node-redis: a channel already held only gains the (same) listener.
        await withTimeout(c.sSubscribe(topic, onMessage), commandTimeoutMs, "ssubscribe");
        const owner = ownerOf(c, topic);
        if (owner !== undefined) owners.set(topic, owner);
      }),
    );
  }

  async function connect(attempt = 0): Promise<void> {
    while (!closed && cluster === null) {
      const c: Cluster = createCluster({
        rootNodes: options.urls.map((url) => ({ url })),
        // Connect lazily per node: a master that is down at start must not keep the others from serving.
        minimizeConnections: true,
        defaults: {
          disableOfflineQueue: true,
          commandsQueueMaxLength: 10_000,
          socket: { connectTimeout: options.connectTimeoutMs ?? 2000, reconnectStrategy: (n: number) => reconnectDelay(n) },
        },
      });
      c.on("error", (error: unknown) => log.warn({ err: error }, "redis cluster error"));
      c.on("node-error", () => {});
      // A node's socket dropping is the earliest sign of trouble; the probe then says which shard is down.
      c.on("node-reconnecting", () => void check());
      try {
        await withTimeout(c.connect(), (options.connectTimeoutMs ?? 2000) * 2, "cluster connect");
        cluster = c;
      } catch (error) {
        log.warn({ err: error }, "redis cluster connect failed");
        try {
          c.destroy();
        } catch {
          // Never connected.
        }
        await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt++)).unref());
      }
    }
    if (cluster) void check();
  }

  /** One health step: per master, resubscribe after an outage and probe; then follow moved topics. */
  async function check(): Promise<void> {
    if (closed || !cluster) return;
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    const c = cluster;
    try {
      hookMoves(c);
      const masters = new Set(c.masters.map((m) => m.address));
      for (const address of shardStates.keys()) if (!masters.has(address)) shardStates.delete(address);
      await Promise.all([...masters].map((address) => checkShard(c, address)));
      await followMoves(c);
      whole.set([...shardStates.values()].includes("up") ? "up" : "down");
    } catch (error) {
      log.warn({ err: error }, "broker cluster check failed");
    } finally {
      checking = false;
      if (checkAgain && !closed) {
        checkAgain = false;
        void check();
      }
    }
  }

  async function checkShard(c: Cluster, address: string) {
    if (shardStates.get(address) !== "up") {
      const mine = wanted().filter((t) => ownerOf(c, t) === address);
      const resubscribed = await subscribeAt(c, mine).then(
        () => true,
        (error: unknown) => (log.debug({ err: error, shard: address }, "resubscribe failed"), false),
      );
      if (!resubscribed) return setShard(address, "down");
    }
    setShard(address, (await probe.roundTrip(c, address, onMessage)) ? "up" : "down");
  }

  async function followMoves(c: Cluster) {
    const moved = wanted().filter((t) => {
      const now = ownerOf(c, t);
      return now !== undefined && owners.get(t) !== now && shardStates.get(now) === "up";
    });
    if (moved.length === 0) return;
    log.info({ topics: moved.length }, "topics moved to another shard: subscribing there");
    await subscribeAt(c, moved);
    emitTopics(moved, "up");
  }

  /** node-redis re-homes a moved channel itself; hearing of it early lets the check follow at once. */
  function hookMoves(c: Cluster) {
    for (const master of c.masters) {
      const client = master.pubSub?.client;
      if (!client || hooked.has(client)) continue;
      hooked.add(client);
      client.on("sharded-channel-moved", () => setTimeout(() => void check(), 50).unref());
    }
  }

  const timer = setInterval(() => void check(), options.probeIntervalMs ?? 2000);
  timer.unref();
  void connect();

  const broker: RedisClusterBroker = {
    nodeChannel,
    get state() {
      return whole.state;
    },
    shards: {
      states: () => Object.fromEntries([...shardStates].sort(([a], [b]) => a.localeCompare(b))),
      topicState,
      onTopicsChange: (listener) => void topicListeners.add(listener),
    },
    async publish(topic, message) {
      const c = cluster;
      if (closed) throw new BrokerDownError("closed");
      if (!c || topicState(topic) !== "up") throw new BrokerDownError(`the shard of ${topic} is unavailable`);
      try {
        await withTimeout(c.sPublish(topic, message), commandTimeoutMs, "spublish");
      } catch (error) {
        const owner = ownerOf(c, topic);
        if (owner !== undefined) setShard(owner, "down");
        void check();
        throw new BrokerDownError("spublish failed", { cause: error });
      }
    },
    // Each message on its own: topics of one commit live on different shards, which fail apart.
    publishAll: (messages) => publishEach(broker, messages),
    async subscribe(topic, handler) {
      handlers.set(topic, handler);
      const pending = lingering.get(topic);
      if (pending) {
        // Still subscribed from before: a channel that flaps costs no round trip.
        clearTimeout(pending);
        lingering.delete(topic);
        return;
      }
      const c = cluster;
      if (!c || topicState(topic) !== "up") return; // the shard's recovery subscribes every wanted topic
      try {
        await subscribeAt(c, [topic]);
      } catch (error) {
        log.warn({ err: error, topic }, "broker ssubscribe failed");
        const owner = ownerOf(c, topic);
        if (owner !== undefined) setShard(owner, "down");
        void check();
      }
    },
    async unsubscribe(topic) {
      if (!handlers.delete(topic) || lingering.has(topic)) return;
      const t = setTimeout(() => {
        lingering.delete(topic);
        owners.delete(topic);
        // A failed unsubscribe only leaves a channel whose messages nobody handles.
        if (cluster) void withTimeout(cluster.sUnsubscribe(topic, onMessage), commandTimeoutMs, "sunsubscribe").catch(() => {});
      }, options.unsubscribeDelayMs ?? 2000);
      t.unref();
      lingering.set(topic, t);
    },
    onStateChange: (listener) => whole.add(listener),
    waitUntilUp: (timeoutMs) => whole.waitFor("up", timeoutMs),
    async close() {
      closed = true;
      whole.stop();
      clearInterval(timer);
      for (const t of lingering.values()) clearTimeout(t);
      lingering.clear();
      handlers.clear();
      const c = cluster;
      cluster = null;
      c?.destroy();
    },
  };
  return broker;
}
