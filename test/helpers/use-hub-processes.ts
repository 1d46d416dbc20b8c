// Hub processes on one fresh PostgreSQL database, for the tests that run several nodes against one store:
// each call to start() makes its own database; all are killed and dropped when the suite ends.
import { afterAll } from "vitest";
import { spawnHub, type HubProcess } from "./hub-process.js";
import { TEST_SECRET } from "./test-app.js";
import { createPostgresDatabase } from "./test-database.js";

export interface HubProcesses {
  /** `count` hubs with TEST_SECRET on a new database, started side by side. */
  start(count: number, options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<HubProcess[]>;
}

export function useHubProcesses(): HubProcesses {
  const nodes: HubProcess[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await Promise.all(drops.map((drop) => drop()));
  });
  return {
    async start(count, options = {}) {
      const db = await createPostgresDatabase();
      drops.push(db.drop);
      const env = { DATABASE_URL: db.url, JWT_SECRET: TEST_SECRET, LOG_LEVEL: "info", ...options.env };
      const started = await Promise.all(Array.from({ length: count }, () => spawnHub(env, options.timeoutMs)));
      nodes.push(...started);
      return started;
    },
  };
}
