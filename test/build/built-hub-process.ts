// The compiled hub (`node dist/main.js`, what `npm start` runs) as a child process, built first when
// dist/ is missing or older than a source file.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type HubProcess, spawnHub } from "../helpers/hub-process.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BUILT = join(ROOT, "dist", "main.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function ensureBuilt(): Promise<void> {
  const sources = Math.max(newestMtime(join(ROOT, "src")), newestMtime(join(ROOT, "client-sdk", "src")));
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sources && existsSync(join(ROOT, "dist/console/sdk.browser.js"))) return;
  await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT, timeout: 600_000 });
}

/** `node dist/main.js` with these variables, resolved once it logs its URL (JSON or pretty alike). */
export function startBuiltHub(env: Record<string, string>): Promise<HubProcess> {
  return spawnHub(env, 110_000, [BUILT]);
}
