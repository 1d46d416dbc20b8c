// The in-process broker: the default, and the one a single node needs. Delivery is always asynchronous
// (a microtask later), as with Redis, so no caller can come to depend on a handler running inside publish().
import { publishEach, type Broker, type BrokerState } from "./broker.js";

export function createMemoryBroker(): Broker {
  const handlers = new Map<string, (message: string) => void>();
  let closed = false;

  const broker: Broker = {
    get state(): BrokerState {
      return "up";
    },
    async publish(topic, message) {
      if (closed) throw new Error("broker closed");
      // Looked up at delivery time: an unsubscribe in the meantime wins, as it would over the network.
      queueMicrotask(() => handlers.get(topic)?.(message));
    },
    publishAll: (messages) => publishEach(broker, messages),
    async subscribe(topic, onMessage) {
      if (closed) throw new Error("broker closed");
      handlers.set(topic, onMessage);
    },
    async unsubscribe(topic) {
      handlers.delete(topic);
    },
    onStateChange() {
      // Never changes: an in-process broker cannot be down while the process is up.
    },
    async close() {
      closed = true;
      handlers.clear();
    },
  };
  return broker;
}
