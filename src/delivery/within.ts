// A deadline around work that has its own timeouts but must not be trusted to honour them.

/** The work's value, or `onTimeout()` once `ms` pass first. The work itself is not cancelled. */
export async function within<T, U>(work: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
