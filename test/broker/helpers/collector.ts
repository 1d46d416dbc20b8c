// Collects what a handler receives and lets a test wait for a count, without sleeping.
export interface Collector<T> {
  readonly items: T[];
  push: (item: T) => void;
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
}

export function createCollector<T>(): Collector<T> {
  const items: T[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  return {
    items,
    push(item) {
      items.push(item);
      const ready = waiters.filter((w) => items.length >= w.count);
      waiters = waiters.filter((w) => items.length < w.count);
      for (const w of ready) w.resolve();
    },
    waitFor(count, timeoutMs = 5000) {
      if (items.length >= count) return Promise.resolve(items);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} items within ${timeoutMs} ms, got ${items.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(items);
          },
        });
      });
    },
  };
}
