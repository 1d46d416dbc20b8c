// The whole path on a running node: snapshot POST → alert → outbox → signed webhook, verified by the
// standardwebhooks library on a real HTTP receiver.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { mintToken } from "../../src/http/token.js";
import { startHub, type RunningHub } from "../../src/server.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.writeHead(received.length === 1 ? 503 : 204).end();
  });
});
let hub: RunningHub;
let db: TestDatabase;
beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  db = await createTestDatabase();
  hub = await startHub(
    loadConfig({
      PORT: "0",
      DATABASE_URL: db.url ?? undefined,
      DATA_DIR: db.url ? undefined : `/tmp/dw-e2e-${process.pid}`,
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: "silent",
      WEBHOOK_ALLOW_PRIVATE: "1",
      DELIVERY_RETRY_SCHEDULE: "0,200,200",
    }),
  );
});
afterAll(async () => {
  await hub.close();
  receiver.close();
  await db.drop();
});

describe("webhook delivery end to end", () => {
  it("signs, retries with the same webhook-id, and delivers the alert", async () => {
    const token = await mintToken(TEST_SECRET, { sub: "ops", roles: ["admin"] });
    const api = (path: string, body: unknown) =>
      fetch(`${hub.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    await api("/api/dashboard", { id: "hooked", name: "Hooked board", rank_by: "score" });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const sub = await api("/api/dashboard/hooked/subscriptions", { subscriber_kind: "webhook", subscriber_id: url, threshold_json: { set_added_min: 1 } });
    expect(sub.status).toBe(201);
    const first = await api("/api/dashboard/hooked/snapshot", { rows: [{ id: "a", score: 1 }] });
    const second = await api("/api/dashboard/hooked/snapshot", { rows: [{ id: "a", score: 1 }, { id: "b", score: 2 }] });
    expect(second.body.alerts).toHaveLength(1);

    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(received).toHaveLength(2);
    const [failed, delivered] = received as [(typeof received)[0], (typeof received)[0]];
    expect(delivered.headers["webhook-id"]).toBe(`hooked:${second.body.alerts[0].seq}`);
    expect(failed.headers["webhook-id"]).toBe(delivered.headers["webhook-id"]);
    const payload = new Webhook(sub.body.secret).verify(delivered.body, {
      "webhook-id": String(delivered.headers["webhook-id"]),
      "webhook-timestamp": String(delivered.headers["webhook-timestamp"]),
      "webhook-signature": String(delivered.headers["webhook-signature"]),
    }) as { dashboard_id: string; snapshot_a: string; snapshot_b: string; diff: { id_set_added: string[] }; event: { kind: string; seq: number } };
    expect(payload).toMatchObject({ dashboard_id: "hooked", snapshot_a: first.body.snapshot_id, snapshot_b: second.body.snapshot_id });
    expect(payload.diff.id_set_added).toEqual(["b"]);
    expect(payload.event).toMatchObject({ kind: "alert.matched", seq: second.body.alerts[0].seq });
  });
});
