// The history the alert browser tests share: a dashboard whose top 3 reorders at s2 and s4, whose s3
// changes a value only (a rule on reordering fails there: a resolving lifecycle resolves), and whose s4
// adds a row.
import { signIn, type BrowserHub } from "./browser-hub.js";

export const REORDER_RULE = { top_n_reordering: 3 };
const T0 = Date.now() - 60 * 60_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export const ALERT_SNAPSHOTS = [
  { taken_at: at(0), rows: [{ id: "ann", score: 90 }, { id: "bo", score: 80 }, { id: "cy", score: 70 }] },
  { taken_at: at(1), rows: [{ id: "bo", score: 95 }, { id: "ann", score: 90 }, { id: "cy", score: 70 }] },
  { taken_at: at(2), rows: [{ id: "bo", score: 96 }, { id: "ann", score: 90 }, { id: "cy", score: 70 }] },
  { taken_at: at(3), rows: [{ id: "ann", score: 99 }, { id: "bo", score: 96 }, { id: "cy", score: 70 }, { id: "dee", score: 1 }] },
];

export interface PostedAlert {
  subscription_id: string;
  seq: number;
  kind: string;
}

export async function createAlertsDashboard(env: BrowserHub, id: string): Promise<void> {
  const created = await env.call("POST", "/api/dashboard", { id, name: "Alerts", rank_by: "score", top_n: 3 });
  if (created.status !== 201) throw new Error(`creating ${id}: ${created.status}`);
}

/** Posts the history in order; the alerts of every POST answer. */
export async function postAlertHistory(env: BrowserHub, id: string): Promise<PostedAlert[]> {
  const alerts: PostedAlert[] = [];
  for (const body of ALERT_SNAPSHOTS) {
    const posted = await env.call("POST", `/api/dashboard/${id}/snapshot`, body);
    if (posted.status !== 201) throw new Error(`posting to ${id}: ${posted.status} ${JSON.stringify(posted.body)}`);
    alerts.push(...posted.body.alerts);
  }
  return alerts;
}

/** Signs in and opens the dashboard by typing its id. */
export async function openDashboard(env: BrowserHub, id: string): Promise<void> {
  await signIn(env.page, env.hub.url, env.token);
  await env.page.fill("#dashboard-id", id);
  await env.page.click("#dashboard-open");
  await env.page.waitForSelector("#dash-title:has-text('Alerts')");
}
