// The Broker port: a doorbell, not the truth. It carries events that are already committed to the log;
// whatever it drops, a hub recovers from the log.

export type BrokerState = "up" | "down";

export interface Broker {
  /** Resolves once handed to the transport; rejects when the broker is down (the log still has the event). */
  publish(topic: string, message: string): Promise<void>;
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
