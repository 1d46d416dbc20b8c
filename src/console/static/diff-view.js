// Two snapshots side by side: rows entered, left and moved, changed values highlighted. Both snapshots'
// rows come from GET /snapshots/:id and are compared here (diff-rows.js).
import { ApiError, api, dashboardPath } from "./api.js";
import { $, el, replace, say } from "./dom.js";
import { diffRows } from "./diff-rows.js";

/** Rendering a 100 000-row diff would freeze the page. */
const MAX_ROWS = 500;
const ARROWS = { entered: "+ entered", left: "− left", moved: "↕ moved", same: "" };

const text = (value) => (value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));

export function createDiffView() {
  const pickA = $("diff-a");
  const pickB = $("diff-b");
  const status = $("diff-status");
  const table = $("diff-table");
  let dashboard = null;
  let ticket = 0;

  async function rows(id) {
    try {
      return (await api("GET", dashboardPath(dashboard.id, `/snapshots/${encodeURIComponent(id)}`))).snapshot.rows;
    } catch (error) {
      if (error instanceof ApiError && error.status === 410) return null;
      throw error;
    }
  }

  async function compare() {
    if (!dashboard || !pickA.value || !pickB.value) return say(status, "pick two snapshots");
    const mine = ++ticket;
    say(status, "loading both snapshots…");
    try {
      const [a, b] = await Promise.all([rows(pickA.value), rows(pickB.value)]);
      if (mine !== ticket) return;
      if (a === null || b === null) {
        replace(table);
        const which = [a === null ? "A" : null, b === null ? "B" : null].filter(Boolean).join(" and ");
        return say(status, `rows pruned: snapshot ${which} no longer has its rows (SNAPSHOT_RETENTION_DAYS)`, "error");
      }
      render(diffRows(a, b, dashboard));
    } catch (error) {
      if (mine === ticket) say(status, `could not compare: ${error.message}`, "error");
    }
  }

  function render({ rows: diff, counts }) {
    const idField = dashboard.id_field;
    const columns = [];
    for (const d of diff.slice(0, MAX_ROWS)) {
      for (const key of Object.keys(d.row ?? d.before)) if (key !== idField && !columns.includes(key)) columns.push(key);
    }
    const rank = (d) => (d.status === "moved" ? `${d.from_rank} → ${d.to_rank}` : String(d.to_rank ?? d.from_rank));
    const cell = (d, column) => {
      const shown = (d.row ?? d.before)[column];
      if (!d.changed.includes(column)) return el("td", { className: typeof shown === "number" ? "num" : "" }, text(shown));
      const was = d.before[column];
      const delta = typeof shown === "number" && typeof was === "number" ? ` (${shown - was > 0 ? "+" : ""}${+(shown - was).toPrecision(6)})` : "";
      return el("td", { className: "changed", testid: "diff-changed", dataset: { field: column }, title: `was ${text(was)}` }, text(shown), el("span", { className: "was" }, delta || ` (was ${text(was)})`));
    };
    replace(table,
      el("thead", {}, el("tr", {}, el("th", {}, "change"), el("th", { className: "num" }, "rank"), el("th", {}, idField), columns.map((c) => el("th", {}, c)))),
      el("tbody", {}, diff.slice(0, MAX_ROWS).map((d) =>
        el("tr", { testid: "diff-row", className: `diff-${d.status}`, dataset: { status: d.status, id: String(d.id) } },
          el("td", { className: "diff-mark" }, ARROWS[d.status]),
          el("td", { className: "num rank" }, rank(d)),
          el("td", {}, text(d.id)),
          columns.map((c) => cell(d, c))))));
    const cut = diff.length > MAX_ROWS ? ` (first ${MAX_ROWS} rows shown)` : "";
    say(status, `${counts.entered} entered · ${counts.left} left · ${counts.moved} moved within top ${dashboard.top_n} · ${counts.changed} rows with changed values${cut}`);
  }

  function fill(snapshots) {
    const options = (selected) => snapshots.slice().reverse().map((s) =>
      el("option", { value: s.id, selected: s.id === selected }, `${s.taken_at} · ${s.row_count} rows`));
    const [a, b] = [pickA.value, pickB.value];
    replace(pickA, el("option", { value: "" }, "snapshot A (older)"), options(a));
    replace(pickB, el("option", { value: "" }, "snapshot B (newer)"), options(b));
  }

  $("diff-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void compare();
  });

  return {
    open(d) {
      dashboard = d;
      ticket++;
      replace(table);
      say(status, "");
    },
    /** The snapshots the pickers offer, oldest first. */
    fill,
    /** Compare `b` with `a` (e.g. a chart point with the snapshot before it). */
    pair(a, b) {
      pickA.value = a?.id ?? "";
      pickB.value = b.id;
      return compare();
    },
  };
}
