// A private PostgreSQL and a private Redis for a test run on a machine that runs neither: each in a temp
// dir on a free port, found by what the Debian packages install, and stopped by PID.
import { execFile, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PrivateService {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface Binaries {
  /** The directory holding initdb, pg_ctl and postgres. */
  pgBin: string;
  redisServer: string;
}

export interface BinarySearch {
  /** A PATH-style list of directories; the caller's PATH by default. */
  path?: string;
  /** Where Debian puts each major version's server binaries. */
  pgLibDir?: string;
}

export class MissingBinariesError extends Error {
  constructor(readonly packages: string[]) {
    super(
      `npm test needs a PostgreSQL and a Redis: none answers on the default ports, TEST_DATABASE_URL / TEST_REDIS_URL ` +
        `are unset, and the binaries to start private ones are missing. Install them: apt-get install ${packages.join(" ")}`,
    );
    this.name = "MissingBinariesError";
  }
}

function onPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

function pgBinDir(o: BinarySearch, path: string): string | null {
  const lib = o.pgLibDir ?? "/usr/lib/postgresql";
  const versions = existsSync(lib) ? readdirSync(lib).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(lib, v, "bin", "initdb")) && existsSync(join(lib, v, "bin", "pg_ctl"))) return join(lib, v, "bin");
  const initdb = onPath("initdb", path);
  return initdb && onPath("pg_ctl", path) ? join(initdb, "..") : null;
}

/** Every missing piece at once, as the Debian packages that bring them (redis-cli: the cluster tests). */
export function findBinaries(o: BinarySearch = {}): Binaries {
  const path = o.path ?? process.env.PATH ?? "";
  const pgBin = pgBinDir(o, path);
  const redisServer = onPath("redis-server", path);
  const missing = [...(pgBin ? [] : ["postgresql"]), ...(redisServer ? [] : ["redis-server"]), ...(onPath("redis-cli", path) ? [] : ["redis-tools"])];
  if (missing.length > 0 || !pgBin || !redisServer) throw new MissingBinariesError(missing);
  return { pgBin, redisServer };
}

/** Whether anything accepts a TCP connection there. */
export function answers(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

/** initdb refuses to run as root: as root, the cluster belongs to Debian's `postgres` user. */
function asServerUser(dir: string): (cmd: string, args: string[]) => Promise<unknown> {
  if (userInfo().uid !== 0) return (cmd, args) => run(cmd, args);
  const owner = (() => {
    try {
      return readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"))?.split(":");
    } catch {
      return undefined;
    }
  })();
  if (!owner) throw new Error("initdb cannot run as root and there is no `postgres` user (apt-get install postgresql makes one)");
  chownSync(dir, Number(owner[2]), Number(owner[3]));
  return (cmd, args) => run("runuser", ["-u", "postgres", "--", cmd, ...args]);
}

export async function startPrivatePostgres(pgBin: string): Promise<PrivateService> {
  const dir = mkdtempSync(join(tmpdir(), "dashwatch-pg-"));
  const data = join(dir, "data");
  const port = await freePort();
  const exec = asServerUser(dir);
  try {
    await exec(join(pgBin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    // Tests only: durability off; the socket in the temp dir, not /var/run, which needs root.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await exec(join(pgBin, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const { default: postgres } = await import("postgres");
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe("create database test");
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    pid,
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown: open sessions are ended, nothing waits for them.
      await stopPid(pid, "SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a Redis answers PING there. */
export async function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let reply = "";
    socket.setTimeout(1000, () => socket.destroy());
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) socket.end();
    });
    socket.once("close", () => resolve(reply.startsWith("+PONG")));
    socket.once("error", () => resolve(false));
  });
}

export async function startPrivateRedis(redisServer: string): Promise<PrivateService> {
  const port = await freePort();
  const child = spawn(redisServer, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore", detached: true });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${redisServer}`);
  const deadline = Date.now() + 20_000;
  while (!(await pong(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
    await sleep(50);
  }
  return { url: `redis://127.0.0.1:${port}`, pid, stop: () => stopPid(pid, "SIGTERM") };
}
