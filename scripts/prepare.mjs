// npm's `prepare` (after `npm install` / `npm ci`): build dist/ with the dev dependencies. A production install
// (`npm ci --omit=dev`) has no tsc and no esbuild: it keeps the dist/ built before (copied from a build
// stage, say) instead of failing the install. Plain JavaScript: it runs before anything can compile.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const has = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

if (!has("typescript") || !has("esbuild") || !has("tsx")) {
  const built = existsSync(new URL("../dist/main.js", import.meta.url));
  console.warn(
    built
      ? "prepare: dev dependencies not installed; keeping the dist/ already built"
      : "prepare: dev dependencies not installed and no dist/: `npm start` needs a build (`npm ci`, then `npm run build`)",
  );
  process.exit(0);
}
const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
process.exit(build.status ?? 1);
