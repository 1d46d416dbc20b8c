// Writes that need nothing read back, sent as one batch in the order given.
//
// A drizzle query does not run until it is awaited (its `then` is called), and postgres.js sends a
// connection's queries in the order they are started, back to back, without waiting for each answer
// (prepared-statements.ts is what lets them go without a describe round trip each). So a transaction's
// writes go out in one round trip, and in order, exactly when they are all started before any is awaited,
// in the order meant: an insert before the update that refers to it. This is that rule in one place.

/** A started or not yet started query; null (nothing to write) is skipped. */
export type PendingWrite = PromiseLike<unknown> | null;

/** Starts every write now, in the order given; null is skipped. */
function startInOrder(writes: readonly PendingWrite[]): Promise<unknown>[] {
  // `then` is what starts a drizzle query; Promise.resolve would defer it to a later microtask.
  return writes.flatMap((write) => (write === null ? [] : [new Promise((resolve, reject) => write.then(resolve, reject))]));
}

/** Starts every write now, in the order given, then waits for all their answers; the first failure rejects. */
export function writeInOrder(writes: readonly PendingWrite[]): Promise<unknown[]> {
  return Promise.all(startInOrder(writes));
}

/**
 * `write` with `fn` applied to its answer, still not started: `then` on a drizzle query starts it, so a
 * mapped write must not call it before writeInOrder does.
 */
export function mapped<T, U>(write: PromiseLike<T>, fn: (answer: T) => U): PromiseLike<U> {
  return { then: (resolve, reject) => write.then(fn).then(resolve, reject) };
}

/** writeInOrder, but each write's outcome is handed back instead of the first failure rejecting. */
export function settleInOrder(writes: readonly PendingWrite[]): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.allSettled(startInOrder(writes));
}
