// How the embedded PostgreSQL (PGlite, one WASM process) is sized. Its own defaults are a server's:
// shared_buffers 128MB and max_connections 100, which PostgreSQL lays out in the WASM heap at start, so
// an empty hub held ~420 MB RSS. One in-process session needs a fraction of that.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { PGlite } from "@electric-sql/pglite";

/** PostgreSQL settings given at start (-c), on top of PGlite's own start parameters. */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  // The hub's working set of pages: one dashboard's latest snapshot, indexes and event heads.
  shared_buffers: "16MB",
  // One session (single-user mode): the lock and proc tables are sized by this.
  max_connections: "8",
  wal_buffers: "1MB",
};

export function pgliteStartParams(settings: Readonly<Record<string, string>> = PGLITE_SETTINGS): string[] | undefined {
  // Not in PGlite's typings: its list (--single, -F, ...) must stay, ours only adds to it.
  const defaults = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams;
  if (!defaults) return undefined;
  return [...defaults, ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`])];
}

/**
 * PGlite's 9 MB of WASM compiled by V8's baseline compiler only. Its optimizing tier compiled the module
 * again in the background, for each instance (a fresh data dir makes two: initdb's and the server's):
 * measured, that held ~60 MB more idle (~400 MB more on a fresh data dir until a GC) and slowed the start,
 * for no ingest speed we could measure (bench/footprint.ts). Before the first PGlite is made.
 */
export function baselineWasmOnly(): void {
  setFlagsFromString("--liftoff-only");
}

/**
 * On a fresh data dir PGlite runs initdb in a second PGlite instance and drops it, but an idle hub
 * allocates too little for V8 to collect it: its WASM heap (measured: ~350 MB) stayed resident until load
 * came. One full collection, once, after the first open of a data dir; a second later, because right
 * after the open the instance is still reachable (measured: a collection then freed nothing).
 */
export function collectInitdbInstance(delayMs = 1000): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  setTimeout(gc, delayMs).unref();
}
