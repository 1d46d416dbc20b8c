// The browser build of @dashwatch/client with esbuild (a dev dependency): made in memory on first request
// when the hub runs from source, and written into dist/ by `npm run build` (scripts/build-assets.ts).
import { build } from "esbuild";
import { memoize, type SdkBundle } from "./console-sdk.js";

/** Memoized; a failed build is forgotten so the next request tries again. */
export function createSdkBundle(entry: string): SdkBundle {
  return memoize(() => bundleSdk(entry));
}

export async function bundleSdk(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // The SDK imports `ws` only when there is no global WebSocket, which never happens in a browser.
    external: ["ws"],
    legalComments: "none",
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
