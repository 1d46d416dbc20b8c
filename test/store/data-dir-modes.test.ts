// Embedded mode keeps DATA_DIR private to its user: folders 0700, files 0600, PGlite's included.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { openDatabase } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import { spawnHub } from "../helpers/hub-process.js";
import { waitFor } from "../sdk/helpers/wait-for.js";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "dw-data-"));
  roots.push(root);
  return root;
}

/** Every entry under `dir` (itself included) whose mode is not 0700 for a folder or 0600 for a file. */
function notPrivate(dir: string): string[] {
  const bad: string[] = [];
  const check = (path: string, isDir: boolean) => {
    const mode = statSync(path).mode & 0o777;
    if (mode !== (isDir ? 0o700 : 0o600)) bad.push(`${path.slice(dir.length) || "/"} ${mode.toString(8)}`);
  };
  check(dir, true);
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isDirectory() || e.isFile()) check(join(e.parentPath, e.name), e.isDirectory());
  }
  return bad;
}

describe("the embedded data directory", () => {
  it("is private after PGlite made it, after writes, and after reopening one that was not", async () => {
    const dataDir = join(tempRoot(), "data");
    // An older hub's folder: open to all, with a readable secret in it.
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, "jwt-secret"), "old\n", { mode: 0o644 });
    chmodSync(join(dataDir, "jwt-secret"), 0o644);

    const database = await openDatabase({ dataDir });
    expect(notPrivate(dataDir)).toEqual([]);
    const store = createDrizzleStore(database);
    await store.createDashboard("private", DEFAULT_SETTINGS, "owner");
    await store.createSubscription(
      { dashboard_id: "private", subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com/x", threshold_json: { set_added_min: 1 }, fallback: null, owner: "owner" },
      { secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0", fallback_secret: null },
      "owner",
    );
    await store.close();
    expect(readdirSync(dataDir, { recursive: true }).length).toBeGreaterThan(100);
    expect(notPrivate(dataDir)).toEqual([]);

    // Files made open by hand (or by an older hub) are closed again at the next opening.
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "PG_VERSION"), 0o666);
    const again = await openDatabase({ dataDir });
    expect(notPrivate(dataDir)).toEqual([]);
    await again.close();
  }, 60_000);

  it("is private when the hub makes it at start, secret file included", async () => {
    const dataDir = join(tempRoot(), "hub-data");
    const hub = await spawnHub({ DATA_DIR: dataDir }, 60_000);
    try {
      // The token is printed just after the line spawnHub waits for.
      const token = await waitFor(async () => /demo admin token \(30 days\):\s+(\S+)/.exec(hub.output())?.[1], "the demo admin token");
      const res = await fetch(`${hub.url}/api/dashboard`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ id: "spawned" }) });
      expect(res.status).toBe(201);
      expect(notPrivate(dataDir)).toEqual([]);
      expect(statSync(join(dataDir, "jwt-secret")).mode & 0o777).toBe(0o600);
    } finally {
      await hub.kill("SIGTERM");
    }
    expect(notPrivate(dataDir)).toEqual([]);
  }, 90_000);
});
