// Where positions (last delivered seq per dashboard, per channel) survive a restart. Values are strings
// so that localStorage, AsyncStorage, a cookie jar or a file all fit without an adapter layer.

export interface PositionStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
}

/** The default: positions live as long as the client object. */
export function memoryStorage(): PositionStorage {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => {
      values.set(key, value);
    },
  };
}

interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Browsers: positions in `localStorage` (or any Web Storage you pass, e.g. `sessionStorage`). */
export function localStorageAdapter(store?: WebStorageLike): PositionStorage {
  const resolve = (): WebStorageLike => {
    const target = store ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
    if (!target) throw new TypeError("localStorageAdapter(): no localStorage in this environment");
    return target;
  };
  return {
    get: (key) => resolve().getItem(key),
    set: (key, value) => resolve().setItem(key, value),
  };
}

/** One key per channel; its value is the channel's `since` map as JSON. */
export function positionsKey(channel: string): string {
  return `dashwatch:since:${channel}`;
}

export function parsePositions(text: string | null | undefined): Record<string, number> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    const out: Record<string, number> = {};
    for (const [id, seq] of Object.entries(value)) {
      if (typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 0) out[id] = seq;
    }
    return out;
  } catch {
    // A corrupt entry costs a replay from wherever `since` says, not a crash.
    return {};
  }
}
