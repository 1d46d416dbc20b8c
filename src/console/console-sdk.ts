// Where /sdk.js comes from: the bundle `npm run build` wrote beside the compiled console, or, running from
// source (`npm run dev`, tests), esbuild in memory. The built hub so never loads esbuild.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export type SdkBundle = () => Promise<string>;

/** The prebuilt bundle's name in dist/console/, beside the compiled mount.js. */
export const PREBUILT_SDK_NAME = "sdk.browser.js";

export function consoleSdk(dir: string, entry: string): SdkBundle {
  const prebuilt = join(dir, PREBUILT_SDK_NAME);
  if (existsSync(prebuilt)) return memoize(() => readFile(prebuilt, "utf8"));
  let bundle: Promise<SdkBundle> | undefined;
  return async () => {
    bundle ??= import("./sdk-bundle.js").then((m) => m.createSdkBundle(entry));
    return (await bundle)();
  };
}

/** A failed load is forgotten so the next request tries again. */
export function memoize(load: () => Promise<string>): SdkBundle {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
