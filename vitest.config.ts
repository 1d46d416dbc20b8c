import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // In-process tests of src/cli run the SDK from source, as the CLI child processes do through the
  // "dashwatch-source" condition of package.json's "#client" import; its default is the SDK's build.
  resolve: { alias: { "#client": fileURLToPath(new URL("client-sdk/src/index.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts", "client-sdk/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make the multi-process tests fight for CPU.
    maxWorkers: 2,
    // Private PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are unset and none answers.
    globalSetup: ["test/setup/global-setup.ts"],
  },
});
