// The browser build of @dashwatch/client, made in memory on first request so `npm start` needs no build step.
import { build } from "esbuild";

export type SdkBundle = () => Promise<string>;

/** Memoized; a failed build is forgotten so the next request tries again. */
export function createSdkBundle(entry: string): SdkBundle {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= bundle(entry).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function bundle(entry: string): Promise<string> {
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
