// A broker's up/down state and the listeners told of every transition; starts "down" (not connected yet).
import type { Logger } from "pino";
import type { BrokerState } from "./broker.js";

export interface StateListeners {
  readonly state: BrokerState;
  /** Moves to `next` and tells every listener; no-op when unchanged or stopped. */
  set(next: BrokerState): void;
  add(listener: (state: BrokerState) => void): void;
  /** True once in `state`; false when timeoutMs passes first. */
  waitFor(state: BrokerState, timeoutMs: number): Promise<boolean>;
  /** No transitions after this (the broker is closing). */
  stop(): void;
}

export function createStateListeners(log: Logger): StateListeners {
  const listeners = new Set<(state: BrokerState) => void>();
  let state: BrokerState = "down";
  let stopped = false;
  return {
    get state() {
      return state;
    },
    set(next) {
      if (state === next || stopped) return;
      state = next;
      log.info({ state: next }, "broker state");
      for (const listener of listeners) {
        try {
          listener(next);
        } catch (error) {
          log.error({ err: error }, "broker state listener threw");
        }
      }
    },
    add(listener) {
      listeners.add(listener);
    },
    waitFor(wanted, timeoutMs) {
      if (state === wanted) return Promise.resolve(true);
      return new Promise((resolve) => {
        const on = (s: BrokerState) => {
          if (s !== wanted) return;
          clearTimeout(t);
          listeners.delete(on);
          resolve(true);
        };
        const t = setTimeout(() => {
          listeners.delete(on);
          resolve(false);
        }, timeoutMs);
        listeners.add(on);
      });
    },
    stop() {
      stopped = true;
    },
  };
}
