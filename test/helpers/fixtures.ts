import type { TestApp } from "./test-app.js";

export const leaderboard = (scores: Record<string, number>) =>
  Object.entries(scores).map(([id, score]) => ({ id, score }));

/** Everything a write could have changed on a dashboard, to prove a refused request changed nothing. */
export async function stateOf(t: TestApp, token: string, dashboardId: string) {
  const [dashboard, events, snapshots, subscriptions] = await Promise.all([
    t.call("GET", `/api/dashboard/${dashboardId}`, { token }),
    t.call("GET", `/api/dashboard/${dashboardId}/events?limit=1000`, { token }),
    t.call("GET", `/api/dashboard/${dashboardId}/snapshots?limit=100`, { token }),
    t.call("GET", `/api/dashboard/${dashboardId}/subscriptions`, { token }),
  ]);
  return { dashboard: dashboard.body, events: events.body, snapshots: snapshots.body, subscriptions: subscriptions.body };
}

export async function setupDashboard(t: TestApp, id: string, settings: Record<string, unknown> = {}) {
  const admin = await t.token({ sub: "admin-1", roles: ["admin"] });
  const res = await t.call("POST", "/api/dashboard", { token: admin, body: { id, rank_by: "score", ...settings } });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return admin;
}
