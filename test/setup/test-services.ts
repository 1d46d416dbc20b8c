// What `npm test` runs against: TEST_DATABASE_URL / TEST_REDIS_URL when set (CI sets both), else the
// machine's PostgreSQL and Redis on their default ports, else private ones this module starts.
import { answers, findBinaries, type BinarySearch, type PrivateService, startPrivatePostgres, startPrivateRedis } from "./private-services.js";

export interface ServiceOptions extends BinarySearch {
  env: Record<string, string | undefined>;
  /** The ports probed for the machine's own services; a test of this module passes free ones. */
  pgPort?: number;
  redisPort?: number;
}

export interface TestServices {
  /** The variables to export to the test workers; empty when nothing was started. */
  env: { TEST_DATABASE_URL?: string; TEST_REDIS_URL?: string };
  started: PrivateService[];
  stop(): Promise<void>;
}

export async function ensureTestServices(o: ServiceOptions): Promise<TestServices> {
  const [needPg, needRedis] = await Promise.all([
    o.env.TEST_DATABASE_URL ? false : answers(o.pgPort ?? 5432).then((up) => !up),
    o.env.TEST_REDIS_URL ? false : answers(o.redisPort ?? 6379).then((up) => !up),
  ]);
  const started: PrivateService[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  if (!needPg && !needRedis) return { env: {}, started, stop };
  // Before starting anything, so a machine without them fails at once with what to install.
  const bins = findBinaries(o);
  const env: TestServices["env"] = {};
  const results = await Promise.allSettled([
    needPg ? startPrivatePostgres(bins.pgBin) : Promise.resolve(null),
    needRedis ? startPrivateRedis(bins.redisServer) : Promise.resolve(null),
  ]);
  for (const r of results) if (r.status === "fulfilled" && r.value) started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [pg, redis] = results.map((r) => (r.status === "fulfilled" ? r.value : null));
  if (pg) env.TEST_DATABASE_URL = pg.url;
  if (redis) env.TEST_REDIS_URL = redis.url;
  return { env, started, stop };
}
