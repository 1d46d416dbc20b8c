// Third-party browser files the console serves, from node_modules. A fixed allowlist of served names mapped
// to package paths resolved by Node itself, so no request path ever becomes a file path.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { StaticFile } from "./static-files.js";

const require = createRequire(import.meta.url);

/** Served name (under /vendor/) → package file. */
export const VENDOR_FILES = {
  "uplot.esm.js": { module: "uplot/dist/uPlot.esm.js", contentType: "text/javascript; charset=utf-8" },
  "uplot.min.css": { module: "uplot/dist/uPlot.min.css", contentType: "text/css; charset=utf-8" },
} as const satisfies Record<string, { module: string; contentType: string }>;

export type VendorFiles = (name: string) => Promise<StaticFile | undefined>;

export function createVendorFiles(): VendorFiles {
  const cache = new Map<string, Promise<StaticFile>>();
  return async (name) => {
    if (!Object.hasOwn(VENDOR_FILES, name)) return undefined;
    const entry = VENDOR_FILES[name as keyof typeof VENDOR_FILES];
    let file = cache.get(name);
    if (!file) {
      file = readFile(require.resolve(entry.module), "utf8").then((body) => ({ body, contentType: entry.contentType }));
      // A failed read is forgotten so the next request tries again.
      file.catch(() => cache.delete(name));
      cache.set(name, file);
    }
    return file;
  };
}
