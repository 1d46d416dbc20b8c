// The test run's own servers, tried on ports known to be free: the machine's services stay untouched.
import { createServer, type Server } from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, isAlive, MissingBinariesError, pong } from "./private-services.js";
import { ensureTestServices } from "./test-services.js";

describe("ensureTestServices", () => {
  it("starts a private PostgreSQL and Redis when nothing answers, and stops them by PID", { timeout: 180_000 }, async () => {
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    const services = await ensureTestServices({ env: {}, pgPort, redisPort });
    try {
      expect(services.started).toHaveLength(2);
      const sql = postgres(services.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ db: string; one: number }[]>`select current_database() as db, 1 as one`;
        expect(row).toEqual({ db: "test", one: 1 });
      } finally {
        await sql.end();
      }
      expect(await pong(Number(new URL(services.env.TEST_REDIS_URL!).port))).toBe(true);
      for (const s of services.started) expect(isAlive(s.pid)).toBe(true);
    } finally {
      await services.stop();
    }
    for (const s of services.started) expect(isAlive(s.pid)).toBe(false);
  });

  it("uses TEST_DATABASE_URL and TEST_REDIS_URL as given and starts nothing", async () => {
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    const env = { TEST_DATABASE_URL: "postgres://postgres@127.0.0.1:1/test", TEST_REDIS_URL: "redis://127.0.0.1:1" };
    const services = await ensureTestServices({ env, pgPort, redisPort, path: "", pgLibDir: "/nonexistent" });
    expect(services).toMatchObject({ env: {}, started: [] });
  });

  describe("when the machine's services answer", () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("uses them, without looking for binaries", async () => {
      const services = await ensureTestServices({ env: {}, pgPort: port, redisPort: port, path: "", pgLibDir: "/nonexistent" });
      expect(services).toMatchObject({ env: {}, started: [] });
    });
  });

  it("fails at once naming the Debian packages when the binaries are missing", async () => {
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    const run = ensureTestServices({ env: {}, pgPort, redisPort, path: "/nonexistent", pgLibDir: "/nonexistent" });
    await expect(run).rejects.toThrow(MissingBinariesError);
    await expect(run).rejects.toThrow("apt-get install postgresql redis-server redis-tools");
  });
});
