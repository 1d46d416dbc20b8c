// The dashboard over time: its primary metric (or row count when no snapshot has one) per snapshot, drawn
// by uPlot, with the alerts of the log as clickable markers on their snapshot and a backtest's firings as
// markers along the bottom. A click on the plot picks the nearest snapshot.
import uPlot from "/vendor/uplot.esm.js";
import { $, el, replace, say } from "./dom.js";

const HEIGHT = 220;
/** Markers on one snapshot stack upwards by this many pixels. */
const STACK_PX = 12;

export function createChart({ onPick, onAlert }) {
  const host = $("chart");
  const status = $("chart-status");
  let plot = null;
  let snapshots = [];
  let alerts = [];
  let firings = [];

  const indexOf = (snapshotId) => snapshots.findIndex((s) => s.id === snapshotId);
  const seconds = (iso) => new Date(iso).getTime() / 1000;

  function place(u) {
    for (const node of u.over.querySelectorAll(".marker")) node.remove();
    const stacks = new Map();
    const put = (node, x, y, key) => {
      const level = stacks.get(key) ?? 0;
      stacks.set(key, level + 1);
      node.style.left = `${u.valToPos(x, "x")}px`;
      node.style.top = `${y - level * STACK_PX}px`;
      u.over.append(node);
    };
    for (const event of alerts) {
      const k = indexOf(event.data.snapshot_id);
      if (k < 0) continue;
      const kind = event.kind === "alert.resolved" ? "resolved" : "matched";
      const node = el("button", {
        type: "button", className: `marker marker-${kind}`, testid: "chart-marker", dataset: { seq: event.seq, kind: event.kind },
        title: `${event.kind} seq ${event.seq} · ${event.data.subscriber_kind ?? ""} ${event.data.subscriber_id ?? ""}: click for its ledger`,
        onclick: (e) => { e.stopPropagation(); onAlert(event.seq); },
      });
      put(node, u.data[0][k], u.valToPos(u.data[1][k], "y"), `a${k}`);
    }
    for (const firing of firings) {
      const node = el("span", {
        className: `marker backtest-marker backtest-${firing.kind}`, testid: "backtest-marker",
        dataset: { kind: firing.kind, snapshot: firing.snapshot_id }, title: `backtest: ${firing.kind} at snapshot ${firing.snapshot_id} (${firing.taken_at})`,
      });
      put(node, seconds(firing.taken_at), u.over.clientHeight - 6, `b${firing.taken_at}`);
    }
  }

  function draw() {
    plot?.destroy();
    plot = null;
    replace(host);
    if (snapshots.length === 0) return say(status, "no snapshots yet");
    const metric = snapshots.some((s) => typeof s.primary_metric === "number");
    const ys = snapshots.map((s) => (metric ? s.primary_metric : s.row_count));
    const label = metric ? "primary metric" : "row count";
    const opts = {
      width: Math.max(320, host.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      // Room below the line for the backtest strip, and a flat series still gets a visible range.
      scales: { x: { time: true }, y: { range: (u, min, max) => {
        const pad = (max - min) * 0.2 || Math.abs(max) * 0.1 || 1;
        return [min - 1.5 * pad, max + pad];
      } } },
      series: [{}, { label, stroke: "#2f6fde", width: 2, points: { show: true, size: 6 }, spanGaps: true }],
      axes: [{}, { label, size: 60 }],
      hooks: { draw: [place] },
    };
    plot = new uPlot(opts, [snapshots.map((s) => seconds(s.taken_at)), ys], host);
    plot.over.addEventListener("click", () => {
      const k = plot.cursor.idx;
      if (k !== null && k !== undefined && snapshots[k]) onPick(snapshots[k], snapshots[k - 1] ?? null);
    });
    const matched = alerts.filter((a) => a.kind === "alert.matched").length;
    say(status, `${label} over the latest ${snapshots.length} snapshot${snapshots.length === 1 ? "" : "s"} · ${matched} alert${matched === 1 ? "" : "s"} matched, ${alerts.length - matched} resolved · click a point to compare it with the snapshot before`);
  }

  window.addEventListener("resize", () => plot?.setSize({ width: Math.max(320, host.clientWidth), height: HEIGHT }));

  return {
    show(history) {
      snapshots = history.snapshots;
      alerts = history.alerts;
      draw();
    },
    showFirings(next) {
      firings = next;
      if (plot) plot.redraw(false);
    },
    clear() {
      snapshots = [];
      alerts = [];
      firings = [];
      plot?.destroy();
      plot = null;
      replace(host);
    },
  };
}
