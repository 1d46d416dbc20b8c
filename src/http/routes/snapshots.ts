import { Hono } from "hono";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { sha256 } from "../../app/content-hash.js";
import { failure } from "../../store/result.js";
import { HttpProblem, validationProblem } from "../problem.js";
import { snapshotsQuerySchema, UUID } from "../schemas.js";
import { parseSnapshotBody } from "../snapshot-body.js";
import { parseQuery } from "../validate.js";
import { dashboardFromPath, publishersOnly } from "../middleware.js";

const MAX_IDEMPOTENCY_KEY = 255;

const goneProblem = () => new HttpProblem("gone", "the rows of this snapshot have been pruned (SNAPSHOT_RETENTION_DAYS)");

export function snapshotRoutes({ store, writes, limits, now }: ApiDeps) {
  return new Hono<Env>()
    // The role first, then the only read of the dashboard row: the ingest judges against this head (see store/ingest.ts).
    .post("/:id/snapshot", publishersOnly, dashboardFromPath(store), async (c) => {
      const principal = c.get("principal");
      const dashboard = c.get("dashboard");
      const { value, text } = await readJson(c);
      const body = parseSnapshotBody(value, dashboard.id_field, limits.maxRows, now());

      const key = c.req.header("idempotency-key");
      if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
        throw validationProblem([{ pointer: "/headers/idempotency-key", detail: `must be 1 to ${MAX_IDEMPOTENCY_KEY} characters` }]);
      }
      const claim = key === undefined ? undefined : { key, requestHash: sha256(text) };
      const ingest = { rows: body.rows, primaryMetric: body.primary_metric, takenAt: body.taken_at, actor: principal.sub, basis: dashboard, bodyJson: text };
      const write = await writes.writeSnapshot(dashboard.id, claim, () => ({ ingest }));
      switch (write.state) {
        case "committed": {
          // The CONTRACT's answer, member by member: what else the outcome carries stays in the hub.
          const { snapshot_id, seq_range, diff, alerts } = write.outcome;
          return c.json({ snapshot_id, seq_range, diff, alerts }, 201);
        }
        case "done":
          return c.json(write.body as object, write.status as 201);
        case "in-flight":
          throw new HttpProblem("conflict", "a request with this Idempotency-Key is still in flight");
        case "reused":
          throw new HttpProblem("idempotency-key-reused", "this Idempotency-Key was used with a different body");
        case "refused":
          if (write.refusal.error === "not-found") throw new HttpProblem("not-found", "dashboard does not exist");
          throw validationProblem([{ pointer: "/taken_at", detail: `is earlier than the previous snapshot's (${write.refusal.previous})` }]);
        default:
          return write satisfies never;
      }
    })
    .get("/:id/snapshots", dashboardFromPath(store), async (c) => {
      const dashboard = c.get("dashboard");
      const query = parseQuery(snapshotsQuerySchema, c.req.query());
      if (query.at !== undefined) {
        const snapshot = await store.snapshotAt(dashboard.id, new Date(query.at));
        if (snapshot.ok) return c.json({ snapshot: snapshot.value });
        if (snapshot.error === "gone") throw goneProblem();
        throw new HttpProblem("not-found", `no snapshot was taken at or before ${query.at}`);
      }
      return c.json({ snapshots: await store.listSnapshots(dashboard.id, query.limit) });
    })
    .get("/:id/snapshots/:snapshot_id", dashboardFromPath(store), async (c) => {
      const dashboard = c.get("dashboard");
      const id = c.req.param("snapshot_id");
      const snapshot = UUID.test(id) ? await store.getSnapshot(dashboard.id, id) : failure("not-found");
      if (snapshot.ok) return c.json({ snapshot: snapshot.value });
      if (snapshot.error === "gone") throw goneProblem();
      throw new HttpProblem("not-found", "snapshot does not exist");
    });
}
