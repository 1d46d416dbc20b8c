// What `client.subscribe()` returns: listeners, an async iterator, and a way out.
import type { Delivery, SubscriptionEvents } from "./delivery.js";
import type { Unsubscribe } from "./emitter.js";
import type { HubEvent } from "./protocol.js";

export interface SubscribeOptions {
  /** `{dashboard_id: seq}` as on the wire: deliver only what comes after. Wins over stored positions. */
  since?: Record<string, number>;
}

export class Subscription implements AsyncIterable<HubEvent> {
  readonly channel: string;
  readonly #delivery: Delivery;
  readonly #leave: () => void;

  /** @internal built by the client */
  constructor(channel: string, delivery: Delivery, leave: () => void) {
    this.channel = channel;
    this.#delivery = delivery;
    this.#leave = leave;
  }

  /**
   * "event": once per event, in seq order per dashboard; a returned promise holds the next event until it
   * settles. "gap": a range that could not be filled. "error": see DashwatchError.code; `fatal` ones end
   * the subscription.
   */
  on<K extends keyof SubscriptionEvents>(name: K, listener: (arg: SubscriptionEvents[K]) => unknown): Unsubscribe {
    return this.#delivery.on(name, listener);
  }

  /** Each call is a new reader that sees the events delivered from then on. */
  [Symbol.asyncIterator](): AsyncIterableIterator<HubEvent, undefined> {
    return this.#delivery.iterator();
  }

  unsubscribe(): void {
    this.#leave();
  }
}
