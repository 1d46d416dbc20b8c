// The async iterator of a subscription: a bounded buffer between the delivery loop and a `for await`.
// When the buffer is full the delivery loop waits (see delivery.ts): events are held, in order, upstream.
import type { HubEvent } from "./protocol.js";

/** Told whether the consumer finished with an event (true) or let it go unhandled (false). */
export type Settle = (handled: boolean) => void;

interface Entry {
  event: HubEvent;
  settle: Settle | undefined;
}

interface Reader {
  resolve(result: IteratorResult<HubEvent, undefined>): void;
  reject(error: unknown): void;
}

export interface IteratorHooks {
  /** The buffer has room again. */
  room(): void;
  /** The consumer left (`break`, `return()`), or the end was read. */
  detach(iterator: EventIterator): void;
}

export class EventIterator implements AsyncIterableIterator<HubEvent, undefined> {
  readonly #buffer: Entry[] = [];
  readonly #capacity: number;
  readonly #hooks: IteratorHooks;
  readonly #readers: Reader[] = [];
  #end: { error: unknown } | undefined;
  #detached = false;
  /** The event the loop body is working on: it is settled when the loop asks for the next one. */
  #inHand: Settle | undefined;

  constructor(capacity: number, hooks: IteratorHooks) {
    this.#capacity = capacity;
    this.#hooks = hooks;
  }

  get full(): boolean {
    return this.#buffer.length >= this.#capacity;
  }

  offer(event: HubEvent, settle: Settle | undefined): void {
    if (this.#detached) return settle?.(false);
    const reader = this.#readers.shift();
    if (reader) {
      this.#inHand = settle;
      reader.resolve({ value: event, done: false });
    } else {
      this.#buffer.push({ event, settle });
    }
  }

  /** No more events: what is buffered is still read, then the loop ends (throwing `error` if given). */
  end(error?: unknown): void {
    if (this.#end) return;
    this.#end = { error };
    if (this.#buffer.length === 0) this.#drainReaders();
  }

  next(): Promise<IteratorResult<HubEvent, undefined>> {
    this.#settleInHand(true);
    const entry = this.#buffer.shift();
    if (entry) {
      this.#inHand = entry.settle;
      this.#hooks.room();
      return Promise.resolve({ value: entry.event, done: false });
    }
    if (this.#end) {
      const { error } = this.#end;
      this.#detach();
      // The error is thrown once; a loop that calls next() again just sees the end.
      this.#end = { error: undefined };
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  /** `break` lands here; the event in hand is not counted as handled (the body may have thrown). */
  return(): Promise<IteratorResult<HubEvent, undefined>> {
    this.#settleInHand(false);
    for (const entry of this.#buffer.splice(0)) entry.settle?.(false);
    this.#end ??= { error: undefined };
    this.#drainReaders();
    this.#detach();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #settleInHand(handled: boolean): void {
    const settle = this.#inHand;
    this.#inHand = undefined;
    settle?.(handled);
  }

  #drainReaders(): void {
    const readers = this.#readers.splice(0);
    if (readers.length === 0) return;
    const error = this.#end?.error;
    // The error is thrown once, to the first reader; later reads just see the end.
    for (const [i, reader] of readers.entries()) {
      if (error === undefined || i > 0) reader.resolve({ value: undefined, done: true });
      else reader.reject(error);
    }
    this.#end = { error: undefined };
    this.#detach();
  }

  #detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#hooks.detach(this);
  }
}
