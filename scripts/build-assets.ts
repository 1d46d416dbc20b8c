// `npm run build`, after tsc: what the compiled hub reads at run time besides its JavaScript. The console's
// static files are copied beside dist/console/mount.js, and the SDK's browser bundle is made once here, so
// the built hub needs neither esbuild nor tsx. Migrations stay in drizzle/: dist/store/ resolves
// ../../drizzle exactly as src/store/ does.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PREBUILT_SDK_NAME } from "../src/console/console-sdk.js";
import { bundleSdk } from "../src/console/sdk-bundle.js";

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const staticDir = root("dist/console/static");
rmSync(staticDir, { recursive: true, force: true });
cpSync(root("src/console/static"), staticDir, { recursive: true });
mkdirSync(root("dist/console"), { recursive: true });
writeFileSync(root(`dist/console/${PREBUILT_SDK_NAME}`), await bundleSdk(root("client-sdk/src/index.ts")));
console.log(`build: dist/console/static and dist/console/${PREBUILT_SDK_NAME} written`);
