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
}

export const topics = {
  dashboard: (id: string) => `dw:dashboard:${id}`,
  persona: (id: string) => `dw:persona:${id}`,
} as const;
