// The hub's HTTP API as the tests use it: set up a dashboard and a persona subscription, read the log
// (the truth a consumer is compared with) and read counters from /metrics.
import type { HubEvent } from "../../../client-sdk/src/index.js";

export interface ApiResponse {
  status: number;
  body: unknown;
}

interface EventsPage {
  events: HubEvent[];
  next_after_seq: number;
}

export async function call(base: string, method: string, path: string, token: string, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function expectStatus(res: Promise<ApiResponse>, status: number, what: string): Promise<unknown> {
  const { status: got, body } = await res;
  if (got !== status) throw new Error(`${what}: expected ${status}, got ${got} ${JSON.stringify(body)}`);
  return body;
}

export function createDashboard(base: string, token: string, id: string, settings: Record<string, unknown> = {}): Promise<unknown> {
  return expectStatus(call(base, "POST", "/api/dashboard", token, { id, ...settings }), 201, `create dashboard ${id}`);
}

/** A persona subscription whose rule matches every snapshot after the baseline, as long as primary_metric moves. */
export function subscribeEverySnapshot(base: string, token: string, dashboardId: string, persona: string): Promise<unknown> {
  const body = { subscriber_kind: "persona", subscriber_id: persona, threshold_json: { primary_metric_delta_pct: 0 } };
  return expectStatus(call(base, "POST", `/api/dashboard/${dashboardId}/subscriptions`, token, body), 201, `subscribe ${persona}`);
}

/** The whole log of a dashboard (or one persona's alerts on it), page by page. */
export async function readLog(base: string, token: string, dashboardId: string, persona?: string): Promise<HubEvent[]> {
  const events: HubEvent[] = [];
  for (let after = 0; ; ) {
    const query = new URLSearchParams({ after_seq: String(after), limit: "1000" });
    if (persona !== undefined) query.set("persona", persona);
    const page = (await expectStatus(call(base, "GET", `/api/dashboard/${dashboardId}/events?${query}`, token), 200, "read the log")) as EventsPage;
    events.push(...page.events);
    if (page.events.length < 1000) return events;
    after = page.next_after_seq;
  }
}

/** The sum of a Prometheus counter's samples whose labels include `labels` (0 when absent). */
export async function metric(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}
