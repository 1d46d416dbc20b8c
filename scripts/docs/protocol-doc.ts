// docs/protocol.md: the WebSocket protocol, its frames, close codes, gap reasons and error codes.
import { CLOSE } from "../../src/protocol/frames.js";
import { code, describe, GENERATED, page, table } from "./markdown.js";
import { configRows } from "./config-doc.js";
import { literalUnion, taggedUnion, type UnionMember } from "./ts-source.js";

const FRAMES = "src/protocol/frames.ts";

const CLIENT_OPS: Record<string, string> = {
  auth: "First frame, within 10 s of the upgrade (else close 4401). Sent again on an open connection with a token for the same `sub`, it moves the session's deadline to the new token's `exp` and is answered with a new `welcome` (same `session`); another `sub` or a bad token closes with 4401.",
  subscribe: "Starts a channel. With `since` (`{dashboard_id: seq}`), the hub first replays what the log holds after each seq, then goes live: nothing lost, nothing twice, in seq order per dashboard. Answered with `subscribed`.",
  unsubscribe: "Ends a channel; nothing more is sent for it.",
  ack: "Acknowledges every alert of that dashboard for this persona up to `seq` (cumulative). Only for a dashboard the connection follows and a seq at or below its head, else `error` `bad-request`. Cancels the fallback deliveries it makes unnecessary.",
  ping: "Keep-alive; answered with `pong`.",
};

const SERVER_TYPES: Record<string, string> = {
  welcome: "The token was accepted (first `auth`, or a renewal). `heartbeat_ms` is the ping interval the client should keep.",
  subscribed: "The channel is live. `recovered` is false only when part of the `since` range is no longer retained (a `gap` with `recoverable: false` names it); true without `since`.",
  event: "One event of the log (see [events.md](events.md)): `channel` plus the event's own fields. On `persona:P` channels, `prev_seq` is the seq of P's previous `alert.matched` or `alert.resolved` on that dashboard (0 when none), so a client can tell a gap from silence.",
  gap: "Events `from_seq..to_seq` of `dashboard_id` were not sent on this channel. `recoverable: true`: the log still holds them (read `GET /api/dashboard/:id/events`, or resubscribe with `since`); false: they are gone (retention).",
  pong: "Answer to `ping`.",
  error: "A refused frame; the connection stays. `channel` is set when the refusal concerns one (that subscription is not made).",
};

const GAP_REASONS: Record<string, string> = {
  slow_consumer: "The connection's outbound buffer passed `WS_OUTBOUND_BUDGET_BYTES` (live or during a replay): events were dropped for it instead of buffered. Recoverable. Over budget for `WS_SLOW_CLOSE_MS`, the connection is closed with 4408.",
  broker_outage: "The broker (Redis, or the Redis Cluster shard owning the channel) was down; the hub caught the channel up from the log and names here what was too long to replay inline. Recoverable.",
  retention: "The range was pruned by `EVENT_RETENTION_DAYS`: a `since` older than what the log keeps. Not recoverable.",
};

const ERROR_CODES: Record<string, string> = {
  forbidden: "The token may not hold that channel: persona P may subscribe to `persona:P` and to `dashboard:<id>`, `admin` to any channel. Also sent when a renewed token loses a channel (the channel is dropped).",
  "bad-request": "A malformed frame, a binary frame, an unknown op, a channel of another form, a `since` past the head or with more than `WS_MAX_CHANNELS` keys, an `ack` for a dashboard the connection does not follow or past its head.",
  "not-found": "`dashboard:<id>` for a dashboard that does not exist.",
  limit: "Over `WS_MAX_CHANNELS` channels on the connection, or over `WS_MAX_OPS_PER_SEC` ops in a second (once per window; the ops past the limit are not handled).",
};

const CLOSE_CODES: Record<keyof typeof CLOSE, [string, string]> = {
  goingAway: ["The hub is shutting down (after letting queued frames drain).", "Reconnect with backoff, resume with `since`."],
  tooBig: ["An inbound frame was over `WS_MAX_FRAME_BYTES`.", "Send smaller frames; reconnecting repeats it."],
  unauthorized: ["No `auth` within 10 s, a frame before `auth`, a bad or expired token (at `exp` plus 30 s), a renewal for another `sub`, or the oldest of more than `WS_MAX_PENDING` connections still waiting for `auth`.", "Get a new token, then reconnect (the SDK: `getToken`, `authRetries` times)."],
  slowConsumer: ["Over the outbound budget for `WS_SLOW_CLOSE_MS`, or over `WS_MAX_OPS_PER_SEC` in two windows in a row.", "Reconnect and resume with `since`; read faster or send less."],
  tooManyConnections: ["More than `WS_MAX_CONNECTIONS_PER_PERSONA` connections of this persona on this node.", "Wait longer before retrying (the SDK waits ½ to 1 × its backoff at attempt + 3)."],
};

const fields = (m: UnionMember) =>
  [...m.fields.map((f) => code(`${f.name}${f.optional ? "?" : ""}: ${f.type}`)), ...m.spreads.map((s) => `…${s} fields`)].join(", ") || "—";

export function protocolDoc(): string {
  const ops = taggedUnion(FRAMES, "ClientFrame", "op");
  const types = taggedUnion(FRAMES, "ServerFrame", "type");
  const closeRows = (Object.keys(CLOSE) as (keyof typeof CLOSE)[]).map((k) => [String(CLOSE[k]), code(k), ...describe("close code", CLOSE_CODES, k)]);
  return page([
    GENERATED([FRAMES, "src/config.ts"]),
    "# WebSocket protocol",
    "`GET /ws` upgrades to a WebSocket. Every frame is one JSON text message. The client authenticates with its first frame, then subscribes to channels; the hub sends the events of those channels as they are committed, after replaying what a `since` asks for. The TypeScript client (`client-sdk/`, `@dashwatch/client`) speaks this protocol and fills gaps from the HTTP log itself.",
    "## Channels",
    table(["channel", "carries", "who may subscribe"], [
      [code("dashboard:<id>"), "every event of that dashboard, contiguous seqs", "any valid token (persona P), `admin`"],
      [code("persona:<P>"), "the `alert.matched` and `alert.resolved` events of P's persona subscriptions, on every dashboard, each with `prev_seq`", "P itself, `admin`"],
    ]),
    "A dashboard id is `[a-z0-9][a-z0-9_-]{0,127}`; a persona id (a JWT `sub`) 1 to 256 characters.",
    "## Client → hub",
    table(["op", "fields", "meaning"], ops.map((m) => [code(m.tag), fields(m), describe("client op", CLIENT_OPS, m.tag)])),
    "## Hub → client",
    table(["type", "fields", "meaning"], types.map((m) => [code(m.tag), fields(m), describe("server frame", SERVER_TYPES, m.tag)])),
    "## Ordering and resume",
    "- Every event committed after `subscribed` is delivered on the channel, in seq order per dashboard.\n- `since` is `{dashboard_id: seq}`: on a dashboard channel its own dashboard, on a persona channel any dashboards. The hub replays the log after each seq (in pages bounded by the outbound budget), then live events; a live event already replayed is not sent twice.\n- A client that reconnects resubscribes with the last seq it handled per dashboard. A `gap` that is recoverable can be filled from `GET /api/dashboard/:id/events?after_seq=` (on a persona channel, with `&persona=P`).\n- Token expiry: at the token's `exp` plus 30 s the hub closes with 4401, unless an `auth` with a later token arrived on the connection.",
    "## Gap reasons",
    table(["reason", "when"], literalUnion(FRAMES, "GapReason").map((r) => [code(r), describe("gap reason", GAP_REASONS, r)])),
    "## Error codes (`error` frames)",
    table(["code", "when"], literalUnion(FRAMES, "ErrorCode").map((c) => [code(c), describe("error code", ERROR_CODES, c)])),
    "## Close codes",
    "Codes 4400 and up tell the client why; 1001 and anything else (1006: the connection dropped) mean reconnect with backoff and resume.",
    table(["code", "name", "when", "what a client does"], closeRows),
    "## Limits",
    table(["variable", "default", "meaning"], configRows((name) => name.startsWith("WS_"))),
  ]);
}
