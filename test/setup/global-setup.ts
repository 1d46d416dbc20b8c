// vitest globalSetup: runs once, before any worker starts, so the URLs it exports are in every worker's
// environment. TEST_PROBE_PG_PORT / TEST_PROBE_REDIS_PORT move the probed ports (to try the private path
// on a machine whose services run).
import { ensureTestServices } from "./test-services.js";

const port = (value: string | undefined) => (value ? Number(value) : undefined);

export async function setup(): Promise<() => Promise<void>> {
  const services = await ensureTestServices({
    env: process.env,
    pgPort: port(process.env.TEST_PROBE_PG_PORT),
    redisPort: port(process.env.TEST_PROBE_REDIS_PORT),
  });
  Object.assign(process.env, services.env);
  for (const s of services.started) console.log(`test setup: started a private ${s.url.split(":")[0]} at ${s.url} (pid ${s.pid})`);
  return services.stop;
}
