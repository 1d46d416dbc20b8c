// The console's entry: token, dashboard and persona pickers, and the panels they drive.
import { ApiError, api, dashboardPath, describeToken, savedToken, saveToken } from "./api.js";
import { createBacktest } from "./backtest.js";
import { createChart } from "./chart.js";
import { createDiffView } from "./diff-view.js";
import { $, el, replace, say, timeCell } from "./dom.js";
import { createEventLog } from "./event-log.js";
import { loadHistory } from "./history.js";
import { createLedger } from "./ledger.js";
import { createLiveFeed } from "./live-feed.js";
import { createPicker } from "./picker.js";
import { createSubscriptions } from "./subscriptions.js";
import { createTimeTravel } from "./time-travel.js";

const DASHBOARD_KEY = "dashwatch.console.dashboard";
/** How many past events the live feed shows when a dashboard is opened. */
const BACKFILL = 20;

/** Live snapshots and alerts arrive in bursts: the chart re-reads its history once per this many ms. */
const HISTORY_DEBOUNCE_MS = 300;

let who = null;
let dashboard = null;
let history = { snapshots: [], alerts: [] };
let historyTimer = null;

const live = createLiveFeed({ persona: () => who?.sub, onEvent });
const ledger = createLedger();
const log = createEventLog({ onAlert: (seq) => ledger.show(seq) });
const travel = createTimeTravel();
const subscriptions = createSubscriptions({ persona: () => who?.sub });
const diff = createDiffView();
const chart = createChart({ onPick: (b, a) => diff.pair(a, b), onAlert: (seq) => ledger.show(seq) });
const backtest = createBacktest({ ...subscriptions, chart, from: () => history.snapshots[0]?.taken_at });
const picker = createPicker({ onPick: (id) => { $("dashboard-id").value = id; void openDashboard(id); } });

async function refreshHistory() {
  if (!dashboard) return;
  const id = dashboard.id;
  try {
    const next = await loadHistory(id);
    if (dashboard?.id !== id) return;
    history = next;
    chart.show(history);
    diff.fill(history.snapshots);
  } catch (error) {
    say($("chart-status"), `could not read the history: ${error.message}`, "error");
  }
}

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
  if (who) void picker.reload();
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
    picker.select(id);
    [ledger, diff, backtest].forEach((panel) => panel.open(next));
    chart.clear();
    await Promise.all([log.open(next), travel.open(next), subscriptions.open(next), refreshHistory()]);
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
  if (event.kind === "snapshot.created" || event.kind.startsWith("alert.")) {
    clearTimeout(historyTimer);
    historyTimer = setTimeout(() => void refreshHistory(), HISTORY_DEBOUNCE_MS);
  }
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
