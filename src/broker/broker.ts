// The Broker port: a doorbell, not the truth. It carries events that are already committed to the log;
// whatever it drops, a hub recovers from the log.

export type BrokerState = "up" | "down";

export interface Broker {
  /** Resolves once handed to the transport; rejects when the broker is down (the log still has the event). */
  publish(topic: string, message: string): Promise<void>;
  /**
   * The messages of one commit, started in the order given; true where a message was handed to the
   * transport. Never rejects. A Redis broker pipelines them: per-command overhead was most of a
   * snapshot's publish cost once one commit meant a hundred persona topics.
   */
  publishAll(messages: readonly TopicMessageOut[]): Promise<boolean[]>;
  /** One handler per topic per broker instance: the hub keeps its own index of local listeners. */
  subscribe(topic: string, onMessage: (message: string) => void): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  /** Called on every transition; a hub catches its clients up from the log on "up" after "down". */
  onStateChange(listener: (state: BrokerState) => void): void;
  readonly state: BrokerState;
  close(): Promise<void>;
  /** Present when topics live on shards that fail apart (Redis Cluster); `state` is then "down" only when every shard is. */
  readonly shards?: ShardHealth;
}

export interface TopicMessageOut {
  topic: string;
  message: string;
}

/** publishAll for a broker whose topics fail apart: each message on its own, in the order given. */
export async function publishEach(broker: Pick<Broker, "publish">, messages: readonly TopicMessageOut[]): Promise<boolean[]> {
  const results = await Promise.allSettled(messages.map((m) => broker.publish(m.topic, m.message)));
  return results.map((r) => r.status === "fulfilled");
}

/** Per-shard health: which topics a down shard takes with it, so only their feeds fall back to the log. */
export interface ShardHealth {
  /** Each master's host:port and whether this node's probe through it came back. */
  states(): Record<string, BrokerState>;
  /** The state of the shard that owns `topic` now. */
  topicState(topic: string): BrokerState;
  /**
   * Called with this node's subscribed topics whose shard went down, or that are live again: their shard
   * came back, or they moved to another shard and are subscribed there. Either way their feeds catch up.
   */
  onTopicsChange(listener: (topics: string[], state: BrokerState) => void): void;
}

export const topics = {
  dashboard: (id: string) => `dw:dashboard:${id}`,
  persona: (id: string) => `dw:persona:${id}`,
} as const;
