// /openapi.json, generated from the same zod schemas that validate requests.
import { z } from "zod";
import { DASHBOARD_ID } from "../protocol/frames.js";
import { PROBLEM_TYPE_BASE } from "./problem.js";
import { snapshotBodyJsonSchema } from "./snapshot-body-schema.js";
import {
  auditQuerySchema,
  backtestSchema,
  dashboardCreateSchema,
  dashboardListQuerySchema,
  dashboardPatchSchema,
  deliveriesQuerySchema,
  eventsQuerySchema,
  explainQuerySchema,
  snapshotsQuerySchema,
  subscriptionCreateSchema,
  subscriptionPatchSchema,
} from "./schemas.js";

const schema = (s: z.ZodType, io: "input" | "output" = "input") => z.toJSONSchema(s, { io, unrepresentable: "any" });

function queryParams(s: z.ZodObject) {
  const json = schema(s) as { properties?: Record<string, object> };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({ name, in: "query", required: false, schema: p }));
}

const problem = { description: "problem+json", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
const json = (description: string) => ({ description, content: { "application/json": { schema: { type: "object" } } } });
const body = (s: z.ZodType) => ({ required: true, content: { "application/json": { schema: schema(s) } } });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", pattern: DASHBOARD_ID.source } };
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem, 422: problem, 429: problem };

/** `maxRows`: the hub's MAX_ROWS, which the snapshot body's schema publishes (default: the configuration's). */
export function buildOpenApi(version: string, limits: { maxRows: number } = { maxRows: 100_000 }) {
  return {
    openapi: "3.1.0",
    info: { title: "Dashwatch", version, description: "Snapshot divergence alerts for live dashboards." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail"],
          properties: {
            type: { type: "string", description: `${PROBLEM_TYPE_BASE}<slug>` },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            errors: { type: "array", items: { type: "object", properties: { pointer: { type: "string" }, detail: { type: "string" } } } },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      "/api/dashboard": {
        post: { summary: "Create a dashboard", requestBody: body(dashboardCreateSchema), responses: { 201: json("dashboard"), ...errors } },
        get: {
          summary: "List dashboards in id order",
          parameters: queryParams(dashboardListQuerySchema),
          responses: { 200: json("dashboards, next_after (null when no more)"), ...errors },
        },
      },
      "/api/dashboard/{id}": {
        parameters: [idParam],
        get: { summary: "Get a dashboard", responses: { 200: json("dashboard"), ...errors } },
        patch: { summary: "Change a dashboard's settings", requestBody: body(dashboardPatchSchema), responses: { 200: json("dashboard"), ...errors } },
      },
      "/api/dashboard/{id}/snapshot": {
        parameters: [idParam, { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } }],
        post: { summary: "Ingest a snapshot", requestBody: { required: true, content: { "application/json": { schema: snapshotBodyJsonSchema({ idField: "id", maxRows: limits.maxRows }) } } }, responses: { 201: json("snapshot_id, seq_range, diff, alerts"), ...errors } },
      },
      "/api/dashboard/{id}/snapshots": {
        parameters: [idParam, ...queryParams(snapshotsQuerySchema)],
        get: { summary: "List snapshots newest first, or time travel with ?at=", responses: { 200: json("snapshots or snapshot"), 410: problem, ...errors } },
      },
      "/api/dashboard/{id}/snapshots/{snapshot_id}": {
        parameters: [idParam, { name: "snapshot_id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        get: { summary: "Get a snapshot with its rows", responses: { 200: json("snapshot"), 410: problem, ...errors } },
      },
      "/api/dashboard/{id}/subscriptions": {
        parameters: [idParam],
        post: { summary: "Subscribe to divergence", requestBody: body(subscriptionCreateSchema), responses: { 201: json("subscription"), ...errors } },
        get: { summary: "List subscriptions", responses: { 200: json("subscriptions"), ...errors } },
      },
      "/api/dashboard/{id}/subscriptions/{sub_id}": {
        parameters: [idParam, { name: "sub_id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        delete: { summary: "Delete a subscription", responses: { 204: { description: "deleted" }, ...errors } },
        patch: { summary: "Change a subscription's rule, baseline, lifecycle, fallback or enabled", requestBody: body(subscriptionPatchSchema), responses: { 200: json("subscription"), ...errors } },
      },
      "/api/dashboard/{id}/subscriptions/{sub_id}/explain": {
        parameters: [idParam, { name: "sub_id", in: "path", required: true, schema: { type: "string", format: "uuid" } }, ...queryParams(explainQuerySchema)],
        get: { summary: "Why a stored snapshot did or did not alert this subscription", responses: { 200: json("snapshot_id, baseline_snapshot_id, matched, trace"), 410: problem, ...errors } },
      },
      "/api/dashboard/{id}/backtest": {
        parameters: [idParam],
        post: { summary: "Replay a rule over the stored snapshots (writes nothing)", requestBody: body(backtestSchema), responses: { 200: json("evaluated, firings"), ...errors } },
      },
      "/api/dashboard/{id}/subscriptions/{sub_id}/rotate-secret": {
        parameters: [idParam, { name: "sub_id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: { summary: "Rotate a webhook subscription's secret (the old one signs beside it for 24 h)", responses: { 200: json("{secret}, shown once"), ...errors } },
      },
      "/api/dashboard/{id}/deliveries": {
        parameters: [idParam, ...queryParams(deliveriesQuerySchema)],
        get: { summary: "The delivery ledger, in (seq, id) order, a page bounded by limit and MAX_PAGE_BYTES", responses: { 200: json("deliveries, next_after (null when the page stopped at neither bound)"), ...errors } },
      },
      "/api/dashboard/{id}/deliveries/{delivery_id}/retry": {
        parameters: [idParam, { name: "delivery_id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: { summary: "Send a failed delivery again, now", responses: { 200: json("delivery"), ...errors } },
      },
      "/api/dashboard/{id}/alerts/{seq}": {
        parameters: [idParam, { name: "seq", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
        get: { summary: "One alert: its event, deliveries and the acks that covered it", responses: { 200: json("event, deliveries, acks"), ...errors } },
      },
      "/api/dashboard/{id}/events": {
        parameters: [idParam, ...queryParams(eventsQuerySchema)],
        get: { summary: "Replay and query the event log", responses: { 200: json("events, next_after_seq, head_seq"), ...errors } },
      },
      "/api/dashboard/{id}/audit": {
        parameters: [idParam, ...queryParams(auditQuerySchema)],
        get: { summary: "Audit report of the log", responses: { 200: json("report (json or html)"), ...errors } },
      },
      "/health": { get: { summary: "Liveness and dependencies", security: [], responses: { 200: json("ok or degraded (broker wholly or partly down)"), 503: json("down (store unreachable)") } } },
      "/metrics": { get: { summary: "Prometheus metrics", security: [], responses: { 200: { description: "text/plain" } } } },
      "/openapi.json": { get: { summary: "This document", security: [], responses: { 200: json("OpenAPI 3.1") } } },
      "/docs": { get: { summary: "This document as a readable page", security: [], responses: { 200: { description: "text/html" } } } },
    },
  };
}
