// docs/events.md: the event envelope (from src/protocol/event.ts) and every kind with its data.
import { EVENT_KINDS, type EventKind } from "../../src/protocol/event.js";
import { code, GENERATED, page, table } from "./markdown.js";
import { interfaceFields } from "./ts-source.js";

const FILE = "src/protocol/event.ts";

const ENVELOPE: Record<string, string> = {
  dashboard_id: "the dashboard whose log holds it",
  seq: "its position in that log: 1, 2, 3, … with no gaps or duplicates",
  kind: "one of the kinds below",
  at: "ISO 8601 time of the append",
  actor: "the JWT `sub` that caused it, or `system:scheduler` for scheduled snapshots",
  data: "the kind's data",
};

// [appended when, data, channels beyond dashboard:<id>]
const KINDS: Record<EventKind, [string, string, string]> = {
  "snapshot.created": ["every accepted snapshot (an unchanged one too)", "`snapshot_id`, `diff` (null for a dashboard's first snapshot, its baseline)", "—"],
  "alert.matched": [
    "a subscription's rule matched the snapshot (after its lifecycle and cooldown, if any)",
    "`subscription_id`, `subscriber_kind`, `subscriber_id` (redacted for webhook and email), `snapshot_id`, `previous_snapshot_id`, `baseline_snapshot_id` (with a `baseline` other than `previous`), `diff` (from the baseline), `trace` (the rule's evaluation), `suppressed` (with a `cooldown_ms`: alerts not appended since the last one)",
    "`persona:<P>` for persona subscriptions, with `prev_seq`; webhook and email deliveries",
  ],
  "subscription.created": ["a subscription was created", "the subscription, without secrets, its subscriber redacted for webhook and email", "—"],
  "subscription.deleted": ["a subscription was deleted", "`subscription_id`", "—"],
  "alert.resolved": [
    "a firing subscription (`lifecycle.resolve: true`) failed on `resolve_after_snapshots` changed snapshots in a row",
    "`subscription_id`, `subscriber_kind`, `subscriber_id`, `snapshot_id`, `fired_seq` (the `alert.matched` it resolves), `trace` (root `matched: false`)",
    "`persona:<P>` like `alert.matched` (one `prev_seq` chain for both kinds); webhook and email; cancels that alert's pending fallbacks",
  ],
  "subscription.updated": ["a PATCH of a subscription", "the subscription, without secrets, as after the change", "—"],
  "subscription.disabled": ["a webhook endpoint failed every delivery for `WEBHOOK_DISABLE_AFTER_MS`: its alerts are no longer queued until a PATCH sets `enabled: true`", "`subscription_id`", "—"],
  "dashboard.updated": ["a PATCH of the dashboard that changed something (actor: the PATCHing sub); a PATCH that changes nothing appends nothing", "`changes`: `{<field>: {from, to}}` for each changed field", "—"],
};

export function eventsDoc(): string {
  const envelope = interfaceFields(FILE, "HubEvent").map((f) => [code(f.name), code(f.type), ENVELOPE[f.name] ?? f.doc]);
  return page([
    GENERATED([FILE]),
    "# Events",
    "An event is one entry of a dashboard's append-only log. It has the same shape in the store, in `GET /api/dashboard/:id/events` (and its audit report) and in WebSocket `event` frames (which add `channel`, and `prev_seq` on persona channels; see [protocol.md](protocol.md)).",
    table(["field", "type", "meaning"], envelope),
    "## Kinds",
    "Every kind is carried by the dashboard's own channel `dashboard:<id>`. `?kinds=a,b` on the events route filters by kind; `?persona=P` keeps P's `alert.matched` and `alert.resolved`.",
    table(["kind", "appended when", "data", "also on"], EVENT_KINDS.map((k) => [code(k), ...KINDS[k]])),
    "## Diff",
    "`{top_n_changes, row_value_deltas, id_set_added, id_set_removed, primary_metric_delta_pct, counts}`: ranks that changed within `top_n`, numeric value changes of rows in both snapshots, ids added and removed, the primary metric's change as a fraction, and the full length of each list (lists hold at most 100 entries each; rules are judged on the full diff). Fractions: 0.10 is 10 %.",
    "## Privacy",
    "In every event any reader sees, the `subscriber_id` of a webhook or email subscription (and its fallback targets) is redacted: a URL to its origin (`https://hooks.example.com`), an address to its first character, `***` and its domain (`a***@example.com`). Persona ids are not redacted. Secrets never appear in events.",
  ]);
}
