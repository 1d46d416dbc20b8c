// The dashboard's state at a chosen time: GET /snapshots?at=ISO, rows as a table in rank order.
import { ApiError, api, dashboardPath } from "./api.js";
import { $, el, replace, say } from "./dom.js";

/** Rendering a 100 000-row snapshot would freeze the page; the API has them all. */
const MAX_ROWS = 500;

/** datetime-local wants local time without a zone, milliseconds included (step 0.001). */
function toLocalInput(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 23);
}

export function createTimeTravel() {
  const input = $("at-input");
  const pick = $("at-pick");
  const status = $("at-status");
  const table = $("at-table");
  let dashboard = null;
  // Each show() is a request; only the newest may render, or a slow earlier answer (the one fetched when
  // the dashboard opened) could land after a newer one and put an older snapshot back on screen.
  let latest = 0;

  async function show() {
    if (!dashboard) return;
    const ticket = ++latest;
    const at = input.value ? new Date(input.value) : new Date();
    if (Number.isNaN(at.getTime())) return say(status, "pick a valid time", "error");
    const id = dashboard.id;
    try {
      const { snapshot } = await api("GET", dashboardPath(id, `/snapshots?at=${encodeURIComponent(at.toISOString())}`));
      if (ticket === latest && dashboard?.id === id) render(snapshot);
    } catch (error) {
      if (ticket !== latest) return;
      replace(table);
      const none = error instanceof ApiError && error.status === 404;
      say(status, none ? `no snapshot was taken at or before ${at.toISOString()}` : error.message, none ? "" : "error");
    }
  }

  function render(snapshot) {
    const idField = dashboard.id_field;
    const columns = [idField];
    for (const row of snapshot.rows.slice(0, MAX_ROWS)) {
      for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    }
    const cell = (value) => {
      const text = value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
      return el("td", { className: typeof value === "number" ? "num" : "" }, text);
    };
    replace(table,
      el("thead", {}, el("tr", {}, el("th", { className: "num" }, "#"), columns.map((c) => el("th", {}, c)))),
      el("tbody", {}, snapshot.rows.slice(0, MAX_ROWS).map((row, k) =>
        el("tr", { testid: "at-row" }, el("td", { className: "num" }, k + 1), columns.map((c) => cell(row[c]))))));
    const metric = snapshot.primary_metric === null ? "" : ` · primary metric ${snapshot.primary_metric}`;
    const cut = snapshot.rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown)` : "";
    say(status, `snapshot ${snapshot.id} taken ${snapshot.taken_at} · ${snapshot.row_count} rows${cut}${metric}`);
  }

  async function loadRecent() {
    const id = dashboard.id;
    try {
      const { snapshots } = await api("GET", dashboardPath(id, "/snapshots?limit=50"));
      if (dashboard?.id !== id) return;
      replace(pick, el("option", { value: "" }, snapshots.length ? `recent snapshots (${snapshots.length})` : "no snapshots yet"),
        snapshots.map((s) => el("option", { value: s.taken_at }, `${s.taken_at} · ${s.row_count} rows`)));
    } catch {
      replace(pick, el("option", { value: "" }, "snapshots unavailable"));
    }
  }

  $("at-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void show();
  });
  $("at-now").addEventListener("click", () => {
    input.value = toLocalInput(new Date());
    void show();
  });
  pick.addEventListener("change", () => {
    if (!pick.value) return;
    input.value = toLocalInput(new Date(pick.value));
    void show();
  });

  return {
    open(d) {
      dashboard = d;
      input.value = toLocalInput(new Date());
      replace(table);
      say(status, "");
      return Promise.all([loadRecent(), show()]);
    },
    refreshRecent: () => dashboard && loadRecent(),
  };
}
