// `dashwatch post` and `dashwatch token` against a real hub process. The commands run in-process (the
// usage test and the stdin case below run the real bin for its exit codes and pipes).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { TEST_SECRET } from "../helpers/test-app.js";
import { freePort } from "../sdk/helpers/free-port.js";
import { call } from "../sdk/helpers/hub-api.js";
import { useRealHub } from "../sdk/helpers/real-hub-context.js";
import { runCliInProcess } from "./cli-in-process.js";
import { runCli } from "./cli-process.js";

const t = useRealHub();
const dir = mkdtempSync(join(tmpdir(), "dashwatch-post-"));
const post = (args: string[], stdin?: string, run = runCliInProcess) => run(["post", ...args, "--url", t.node.url], { DASHWATCH_TOKEN: t.admin }, stdin);

describe("dashwatch post", () => {
  it("posts a bare array of rows from a file and prints the hub's answer", async () => {
    const id = await t.dashboard("post-file");
    const file = join(dir, "rows.json");
    writeFileSync(file, JSON.stringify([{ id: "a", v: 1 }, { id: "b", v: 2 }]));
    const result = await post([id, file]);
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as { snapshot_id: string; seq_range: { from: number; to: number } };
    expect(answer.seq_range).toEqual({ from: 1, to: 1 });
    const stored = await call(t.node.url, "GET", `/api/dashboard/${id}/snapshots/${answer.snapshot_id}`, t.admin);
    expect((stored.body as { snapshot: { rows: unknown[] } }).snapshot.rows).toEqual([{ id: "a", v: 1 }, { id: "b", v: 2 }]);
  });

  it("posts a whole body from stdin, with - or no file, and the idempotency key holds", async () => {
    const id = await t.dashboard("post-stdin");
    const body = JSON.stringify({ rows: [{ id: 1 }], primary_metric: 5 });
    const first = await post([id, "-", "--idempotency-key", "k1"], body, runCli);
    expect(first.code, first.stderr).toBe(0);
    const again = await post([id, "--idempotency-key", "k1"], body, runCli);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout));
    const dashboard = await call(t.node.url, "GET", `/api/dashboard/${id}`, t.admin);
    expect((dashboard.body as { head_seq: number }).head_seq).toBe(1);
  });

  it("prints a refusal's pointers and problem+json to stderr and exits 1, posting nothing", async () => {
    const id = await t.dashboard("post-bad");
    const result = await post([id], JSON.stringify([{ id: "a" }, { name: "no id" }]));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("the hub answered 422 validation");
    expect(result.stderr).toContain("  /rows/1/id: is required");
    const problem = JSON.parse(result.stderr.trim().split("\n").at(-1)!) as { type: string; status: number };
    expect(problem).toMatchObject({ type: "https://dashwatch.dev/problems/validation", status: 422 });
    const dashboard = await call(t.node.url, "GET", `/api/dashboard/${id}`, t.admin);
    expect((dashboard.body as { head_seq: number }).head_seq).toBe(0);
  });

  it("exits 1 on a file that is missing or not JSON, and on a hub that is not there", async () => {
    const missing = await post(["d", join(dir, "nope.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read");
    const notJson = await post(["d", "-"], "rows: 1");
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain("stdin is not JSON");
    const closed = `http://127.0.0.1:${await freePort()}`;
    const away = await runCliInProcess(["post", "d", "-", "--url", closed, "--token", "x"], {}, "[]");
    expect(away.code).toBe(1);
    expect(away.stderr).toContain(`cannot reach the hub at ${closed}: ECONNREFUSED`);
  });
});

describe("dashwatch token", () => {
  it("mints with the embedded hub's secret under DATA_DIR: sub, roles and ttl as asked", async () => {
    const dataDir = join(dir, "data");
    mkdirSync(dataDir);
    const secret = "embedded-secret-0123456789-0123456789-xyz";
    writeFileSync(join(dataDir, "jwt-secret"), `${secret}\n`);
    const result = await runCliInProcess(["token", "--sub", "agent-7", "--roles", "publisher,admin", "--ttl", "120"], { DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(secret));
    expect(payload).toMatchObject({ sub: "agent-7", roles: ["publisher", "admin"] });
    expect(payload.exp! - payload.iat!).toBe(120);
    const viaFlag = await runCliInProcess(["token", "--sub", "x", "--data-dir", dataDir]);
    expect(decodeJwt(viaFlag.stdout.trim())).toMatchObject({ sub: "x", roles: [] });
  });

  it("mints with JWT_SECRET a token the hub accepts", async () => {
    const result = await runCliInProcess(["token", "--sub", "reader-1"], { JWT_SECRET: TEST_SECRET, JWT_ISSUER: "https://issuer.example" });
    expect(result.code, result.stderr).toBe(0);
    expect(decodeJwt(result.stdout.trim()).iss).toBe("https://issuer.example");
    const list = await call(t.node.url, "GET", "/api/dashboard", result.stdout.trim());
    expect(list.status).toBe(200);
  });

  it("exits 1 when there is no secret to sign with", async () => {
    const none = await runCliInProcess(["token", "--sub", "me"], { DATA_DIR: join(dir, "empty") });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("start the embedded hub once");
    const jwks = await runCliInProcess(["token", "--sub", "me"], { JWT_JWKS_URL: "https://idp.example/jwks" });
    expect(jwks.code).toBe(1);
    expect(jwks.stderr).toContain("JWT_JWKS_URL");
  });
});
