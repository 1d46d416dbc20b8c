import type { Broker, BrokerState } from "../../../src/broker/broker.js";

/** Resolves with the time it took once the broker reports `state`; rejects after timeoutMs. */
export function waitForState(broker: Broker, state: BrokerState, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  if (broker.state === state) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error(`broker not ${state} within ${timeoutMs} ms`));
    }, timeoutMs);
    broker.onStateChange((s) => {
      if (done || s !== state) return;
      done = true;
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}
