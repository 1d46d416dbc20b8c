// A failing test for test/helpers/hub-process.ts (not ours to edit): spawnHub() runs the `tsx` CLI, which
// runs the hub in a child process of its own, and kill() signals only the CLI. After kill("SIGKILL")
// resolves, the hub is still alive (reparented to init), listening on its port and holding its sessions,
// so a test that "crashes" a node does not crash it, and every run leaks a hub process.
// Fix: spawn `process.execPath` with ["--import", "tsx", "src/main.ts"] (one process), or spawn it
// `detached` and kill the whole group with process.kill(-child.pid, signal).
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { spawnHub } from "../helpers/hub-process.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createPostgresDatabase } from "../helpers/test-database.js";

let db: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
const started: number[] = [];

/** The pids of a process's children (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

afterAll(async () => {
  // Whatever this test started and kill() left behind.
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await db?.drop();
});

describe("test/helpers/hub-process.ts", () => {
  it("kill('SIGKILL') leaves no hub answering on the port", async () => {
    db = await createPostgresDatabase();
    const hub = await spawnHub({ DATABASE_URL: db.url, JWT_SECRET: TEST_SECRET });
    started.push(...childrenOf(hub.child.pid!));
    await hub.kill("SIGKILL");
    const answer = await fetch(`${hub.url}/health`, { signal: AbortSignal.timeout(5000) }).then(
      (res) => `HTTP ${res.status}`,
      () => "no answer",
    );
    expect(answer).toBe("no answer");
  }, 60_000);
});
