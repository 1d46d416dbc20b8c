// Request shapes. They validate the wire and feed /openapi.json, so the docs cannot drift from the checks.
import { Cron } from "croner";
import { z } from "zod";
import { isoInstant } from "../input/instant.js";
import { EVENT_KINDS } from "../protocol/event.js";
import { DASHBOARD_ID } from "../protocol/frames.js";
import { MAX_SUB_CHARS } from "../principal.js";

/** Also here, where routes have always found it; the pattern itself is the protocol's. */
export { DASHBOARD_ID };
export const MAX_TOP_N = 1000;
/** Also here, where the request shapes are, for routes that build their own. */

const snapshotPolicy = z.string().refine((v) => {
  if (v === "manual" || v === "hourly") return true;
  try {
    new Cron(v, { paused: true });
    return true;
  } catch {
    return false;
  }
}, 'must be "manual", "hourly" or a cron expression');

const fieldName = z.string().min(1).max(128);

const dashboardSettings = {
  name: z.string().max(200).nullable(),
  id_field: fieldName,
  rank_by: fieldName.nullable(),
  top_n: z.number().int().min(1).max(MAX_TOP_N),
  primary_metric_field: fieldName.nullable(),
  metadata: z.looseObject({ snapshot_policy: snapshotPolicy.optional() }),
  source_url: z.url({ protocol: /^https?$/ }).max(2048).nullable(),
};

export const dashboardCreateSchema = z.object({
  id: z.string().regex(DASHBOARD_ID, `must match ${DASHBOARD_ID.source.slice(1, -1)}`),
  ...Object.fromEntries(Object.entries(dashboardSettings).map(([k, v]) => [k, v.optional()])),
} as { id: z.ZodString } & { [K in keyof typeof dashboardSettings]: z.ZodOptional<(typeof dashboardSettings)[K]> });

export const dashboardPatchSchema = z.object(
  Object.fromEntries(Object.entries(dashboardSettings).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof dashboardSettings]: z.ZodOptional<(typeof dashboardSettings)[K]>;
  },
);

export const fallbackSchema = z
  .object({
    after_ms: z.number().int().min(1000).max(7 * 24 * 3600 * 1000),
    webhook_url: z.string().max(2048).optional(),
    email: z.email().max(320).optional(),
  })
  .refine((f) => f.webhook_url !== undefined || f.email !== undefined, "needs a webhook_url or an email");

const required = z.unknown().refine((v) => v !== undefined, "is required");
// Checked by the core's validators (pointers inside them); here only their place in the body.
const ruleMembers = {
  baseline: z.unknown().optional().describe('"previous" (default) | "last_notified" | {"at_offset_ms": d}'),
  lifecycle: z.unknown().optional().describe("{for_snapshots?, resolve?, resolve_after_snapshots?, cooldown_ms?}; null: none"),
};

export const subscriptionCreateSchema = z.object({
  subscriber_kind: z.enum(["persona", "webhook", "email"]),
  subscriber_id: z.string().min(1).max(2048),
  threshold_json: required,
  fallback: fallbackSchema.optional(),
  ...ruleMembers,
});

/** Every member optional, at least one given, no others. `fallback: null` removes the fallback. */
export const subscriptionPatchSchema = z
  .strictObject({
    threshold_json: z.unknown().optional(),
    fallback: fallbackSchema.nullable().optional(),
    enabled: z.boolean().optional(),
    ...ruleMembers,
  })
  .refine((o) => Object.keys(o).length > 0, "must hold at least one of threshold_json, baseline, lifecycle, fallback, enabled");

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const explainQuerySchema = z.object({ snapshot_id: z.string().regex(UUID, "must be a snapshot id (a UUID)") });

const uuid = z.string().regex(UUID, "must be a UUID");

/** An event's seq, in a path or a query: the log starts at 1. */
export const eventSeqParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** A cursor into the log: 0 is before its first event. */
const afterSeqParam = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const deliveriesQuerySchema = z.object({
  subscription_id: uuid.optional(),
  seq: eventSeqParam.optional(),
  status: z.enum(["pending", "delivered", "failed", "cancelled"]).optional(),
  after: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Free text in a query parameter: NUL cannot reach a PostgreSQL text parameter, so no control characters. */
const queryText = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f\u007f]*$/, "must not hold control characters");

export const dashboardListQuerySchema = z.object({
  // Any text orders against ids, not only a valid id.
  after: queryText(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

// A persona is a JWT sub (isValidSub): no sub holds control characters.
const personaParam = queryText(MAX_SUB_CHARS).min(1);

export const eventsQuerySchema = z.object({
  after_seq: afterSeqParam.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  kinds: z
    .string()
    .transform((v) => v.split(",").filter((k) => k.length > 0))
    .pipe(z.array(z.enum(EVENT_KINDS)))
    .optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  persona: personaParam.optional(),
});

export const snapshotsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  at: isoInstant.optional(),
});

export const auditQuerySchema = z.object({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  format: z.enum(["json", "html"]).default("json"),
});

export const backtestSchema = z.strictObject({
  threshold_json: required,
  ...ruleMembers,
  from: isoInstant.optional(),
  to: isoInstant.optional(),
});
