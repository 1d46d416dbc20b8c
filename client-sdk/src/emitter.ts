// A typed event emitter. Listeners may return promises: `emit` hands their results back so that the
// delivery loop can wait for them (autoAck); a listener that throws is returned as a rejected promise.

export type Unsubscribe = () => void;

type AnyListener = (arg: never) => unknown;

export class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<AnyListener>>();

  on<K extends keyof Events>(name: K, listener: (arg: Events[K]) => unknown): Unsubscribe {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  count(name: keyof Events): number {
    return this.#listeners.get(name)?.size ?? 0;
  }

  /** Calls every listener in order; returns what each returned (a throw becomes a rejected promise). */
  emit<K extends keyof Events>(name: K, arg: Events[K]): unknown[] {
    const set = this.#listeners.get(name);
    if (!set) return [];
    const results: unknown[] = [];
    // Copy first: a listener may unsubscribe itself or others while we iterate.
    for (const listener of [...set] as Array<(arg: Events[K]) => unknown>) {
      try {
        results.push(listener(arg));
      } catch (error) {
        results.push(Promise.reject(error));
      }
    }
    return results;
  }

  /** For notifications nobody waits on: a listener's failure must not break the SDK, nor be swallowed. */
  notify<K extends keyof Events>(name: K, arg: Events[K]): void {
    for (const result of this.emit(name, arg)) {
      if (result instanceof Promise) result.catch(rethrowLater);
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
