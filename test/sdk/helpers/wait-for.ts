// Waiting on a condition that lives in another process (a hub's /metrics, its log): it can only be asked,
// so it is asked again every `everyMs` until it holds or the deadline turns the hang into a clear failure.

export async function waitFor<T>(check: () => Promise<T | undefined | false>, label: string, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${label}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
