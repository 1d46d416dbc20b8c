import { defineConfig } from "vitest/config";

export default defineConfig({
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
