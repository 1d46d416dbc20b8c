// Hands events to the application, one at a time per subscription: every listener's promise and every
// iterator's buffer room is awaited before the next event goes out, and with no consumer at all (no
// "event" listener, no open iterator) nothing goes out. That is the pause: while the app is behind, the
// queue here stays full and the lanes hold their inputs (bounded, see lane.ts).
import { ackWhenHandled } from "./ack-tracker.js";
import { Emitter, type Unsubscribe } from "./emitter.js";
import { DashwatchError } from "./errors.js";
import { EventIterator } from "./iterator.js";
import type { GapReason, HubEvent } from "./protocol.js";
import type { Positions } from "./positions.js";

/** A range the SDK could not fill: the log no longer has it (or never had it, when the hub says so). */
export interface GapNotice {
  channel: string;
  dashboard_id: string;
  from_seq: number;
  to_seq: number;
  reason: GapReason;
}

export type SubscriptionEvents = {
  event: HubEvent;
  gap: GapNotice;
  error: DashwatchError;
};

export type DeliveryItem = { kind: "event"; event: HubEvent } | { kind: "gap"; gap: GapNotice };

export interface DeliveryOptions {
  /** Items queued for the app before the lanes wait. */
  capacity: number;
  iteratorBuffer: number;
  autoAck: boolean;
  ack(dashboardId: string, seq: number): void;
  positions: Positions;
}

export class Delivery {
  readonly #options: DeliveryOptions;
  readonly #emitter = new Emitter<SubscriptionEvents>();
  readonly #iterators = new Set<EventIterator>();
  #queue: DeliveryItem[] = [];
  #roomWaiters: Array<() => void> = [];
  /** The loop, waiting for a consumer or for iterator room. */
  #consumerWait: (() => void) | undefined;
  #running = false;
  #end: { error: DashwatchError | undefined } | undefined;

  constructor(options: DeliveryOptions) {
    this.#options = options;
  }

  on<K extends keyof SubscriptionEvents>(name: K, listener: (arg: SubscriptionEvents[K]) => unknown): Unsubscribe {
    const off = this.#emitter.on(name, listener);
    if (name === "event") this.#wakeConsumerWait();
    return off;
  }

  iterator(): EventIterator {
    const iterator = new EventIterator(this.#options.iteratorBuffer, {
      room: () => this.#wakeConsumerWait(),
      detach: (it) => {
        this.#iterators.delete(it);
        this.#wakeConsumerWait();
      },
    });
    if (this.#end) iterator.end(this.#end.error);
    else this.#iterators.add(iterator);
    this.#wakeConsumerWait();
    return iterator;
  }

  async enqueue(item: DeliveryItem): Promise<void> {
    while (!this.#end && this.#queue.length >= this.#options.capacity) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    if (this.#end) return;
    this.#queue.push(item);
    if (!this.#running) void this.#run();
  }

  report(error: DashwatchError): void {
    this.#emitter.notify("error", error);
  }

  /** Stops delivering; iterators still yield what they hold, then end (throwing `error` if given). */
  end(error?: DashwatchError): void {
    if (this.#end) return;
    this.#end = { error };
    this.#queue = [];
    this.#wakeRoomWaiters();
    this.#wakeConsumerWait();
    for (const iterator of [...this.#iterators]) iterator.end(error);
    this.#iterators.clear();
    if (error) this.report(error);
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      for (let item = this.#queue.shift(); item && !this.#end; item = this.#queue.shift()) {
        this.#wakeRoomWaiters();
        if (item.kind === "gap") this.#emitter.notify("gap", item.gap);
        else await this.#dispatch(item.event);
      }
    } finally {
      this.#running = false;
    }
  }

  async #dispatch(event: HubEvent): Promise<void> {
    while (!this.#end && !this.#ready()) {
      await new Promise<void>((resolve) => (this.#consumerWait = resolve));
    }
    if (this.#end) return;
    const hasListeners = this.#emitter.count("event") > 0;
    const consumers = this.#iterators.size + (hasListeners ? 1 : 0);
    const { autoAck, ack, positions } = this.#options;
    const settle =
      autoAck && event.kind === "alert.matched" && consumers > 0
        ? ackWhenHandled(consumers, () => ack(event.dashboard_id, event.seq))
        : undefined;
    for (const iterator of this.#iterators) iterator.offer(event, settle);
    if (hasListeners) {
      const outcomes = await Promise.allSettled(this.#emitter.emit("event", event));
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
      if (failure) {
        this.report(new DashwatchError("handler-failed", `an event listener failed on ${event.dashboard_id}#${event.seq}`, { cause: failure.reason }));
      }
      settle?.(failure === undefined);
    }
    positions.record(event.dashboard_id, event.seq);
  }

  #wakeRoomWaiters(): void {
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  /** Someone will take the event, and no iterator is full. */
  #ready(): boolean {
    if (this.#iterators.size === 0) return this.#emitter.count("event") > 0;
    for (const iterator of this.#iterators) if (iterator.full) return false;
    return true;
  }

  #wakeConsumerWait(): void {
    const wake = this.#consumerWait;
    this.#consumerWait = undefined;
    wake?.();
  }
}
