// The one place that finds a WebSocket: the one given, else the platform's, else `ws` (Node 20 has none).

/** What the SDK uses of a WebSocket; the browser's and `ws`'s both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type SocketConstructor = new (url: string) => SocketLike;

export const SOCKET_OPEN = 1;

let fromWs: Promise<SocketConstructor> | undefined;

export function resolveWebSocket(given: SocketConstructor | undefined): Promise<SocketConstructor> {
  if (given) return Promise.resolve(given);
  const platform = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof platform === "function") return Promise.resolve(platform as SocketConstructor);
  fromWs ??= importWs();
  return fromWs;
}

async function importWs(): Promise<SocketConstructor> {
  // A variable specifier: browser bundlers must not pull `ws` (an optional peer dependency) into a bundle.
  const specifier = "ws";
  try {
    const mod = (await import(specifier)) as { WebSocket?: unknown; default?: unknown };
    const ctor = mod.WebSocket ?? mod.default;
    if (typeof ctor !== "function") throw new TypeError("the ws module exports no WebSocket");
    return ctor as SocketConstructor;
  } catch (error) {
    fromWs = undefined;
    throw error;
  }
}
