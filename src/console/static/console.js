// The console's entry: token, dashboard and persona pickers, and the panels they drive.
import { ApiError, api, dashboardPath, describeToken, savedToken, saveToken } from "./api.js";
import { $, el, replace, say, timeCell } from "./dom.js";
import { createEventLog } from "./event-log.js";
import { createLiveFeed } from "./live-feed.js";
import { createSubscriptions } from "./subscriptions.js";
import { createTimeTravel } from "./time-travel.js";

const DASHBOARD_KEY = "dashwatch.console.dashboard";
/** How many past events the live feed shows when a dashboard is opened. */
const BACKFILL = 20;

let who = null;
let dashboard = null;

const live = createLiveFeed({ persona: () => who?.sub, onEvent });
const log = createEventLog();
const travel = createTimeTravel();
const subscriptions = createSubscriptions({ persona: () => who?.sub });

function applyToken() {
  const token = savedToken();
  who = token ? describeToken(token) : null;
  $("token-input").value = token;
  if (!token) say($("whoami"), "no token: paste one (npm start prints a demo admin token)", "error");
  else if (!who) say($("whoami"), "this does not look like a JWT", "error");
  else {
    const expired = who.exp && who.exp.getTime() < Date.now();
    const roles = who.roles.length ? who.roles.join(", ") : "no roles";
    say($("whoami"), `${who.sub} · ${roles}${who.exp ? ` · ${expired ? "expired" : "expires"} ${who.exp.toLocaleString()}` : ""}`, expired ? "error" : "ok");
  }
  $("persona-id").value = who?.sub ?? "";
  subscriptions.setPersona(who?.sub);
  live.connect(token);
}

async function openDashboard(id) {
  const status = $("dashboard-status");
  say(status, `loading ${id}…`);
  try {
    const next = await api("GET", dashboardPath(id));
    if (dashboard && dashboard.id !== next.id) live.unwatch(`dashboard:${dashboard.id}`);
    dashboard = next;
    localStorage.setItem(DASHBOARD_KEY, id);
    say(status, "");
    renderDashboard();
    $("dashboard-panel").hidden = false;
    $("no-dashboard").hidden = true;
    live.watch(`dashboard:${id}`, { [id]: Math.max(0, next.head_seq - BACKFILL) });
    await Promise.all([log.open(next), travel.open(next), subscriptions.open(next)]);
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    say(status, missing ? `no dashboard "${id}" (create one with POST /api/dashboard, or run npm run demo)` : error.message, "error");
  }
}

function renderDashboard() {
  const d = dashboard;
  $("dash-title").textContent = d.name ? `${d.name} (${d.id})` : d.id;
  const facts = [
    ["id field", d.id_field],
    ["rank by", d.rank_by ?? "order given"],
    ["top n", d.top_n],
    ["primary metric", d.primary_metric_field ?? "from snapshots"],
    ["snapshots", d.metadata?.snapshot_policy ?? "manual"],
    ["head seq", el("span", { id: "dash-head-seq" }, d.head_seq)],
    ["latest snapshot", d.latest_snapshot_id ?? "none"],
    ["created", timeCell(d.created_at)],
  ];
  replace($("dash-facts"), facts.map(([k, v]) => el("div", { className: "fact" }, el("dt", {}, k), el("dd", {}, v))));
}

function onEvent(event) {
  if (!dashboard || event.dashboard_id !== dashboard.id) return;
  if (event.seq > dashboard.head_seq) {
    dashboard.head_seq = event.seq;
    $("dash-head-seq").textContent = String(event.seq);
  }
  if (event.kind === "snapshot.created") travel.refreshRecent();
  if (event.kind.startsWith("subscription.")) void subscriptions.refresh();
  log.onLive(event);
}

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  saveToken($("token-input").value.trim());
  applyToken();
  if (dashboard) void openDashboard(dashboard.id);
});
$("token-forget").addEventListener("click", () => {
  saveToken("");
  applyToken();
});
$("dashboard-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = $("dashboard-id").value.trim();
  if (id) void openDashboard(id);
});
$("persona-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const persona = $("persona-id").value.trim();
  // From now on; naming the open dashboard's head makes "now" exact for it, whenever the subscribe lands.
  if (persona) live.watch(`persona:${persona}`, dashboard ? { [dashboard.id]: dashboard.head_seq } : undefined);
});

applyToken();
const last = localStorage.getItem(DASHBOARD_KEY);
if (last) $("dashboard-id").value = last;
if (last && savedToken()) void openDashboard(last);
