// "Backtest": the rule in the editor (with its baseline and lifecycle) replayed by the hub over the charted
// snapshots (POST /backtest); its firings are drawn on the chart and counted.
import { api, dashboardPath } from "./api.js";
import { $, say } from "./dom.js";

export function createBacktest({ collectRule, showProblem, chart, from }) {
  const status = $("backtest-status");
  let dashboard = null;
  let ticket = 0;

  async function run() {
    if (!dashboard) return;
    const rule = collectRule();
    if (!rule) return;
    const mine = ++ticket;
    const start = from();
    const body = { ...rule, ...(start ? { from: start } : {}) };
    say(status, "replaying the rule over the stored snapshots…");
    try {
      const { evaluated, firings } = await api("POST", dashboardPath(dashboard.id, "/backtest"), body);
      if (mine !== ticket) return;
      chart.showFirings(firings);
      const matched = firings.filter((f) => f.kind === "matched").length;
      say(status, `backtest: ${matched} matched, ${firings.length - matched} resolved over ${evaluated} snapshots (marked along the chart's bottom)`, "ok");
    } catch (error) {
      if (mine !== ticket) return;
      chart.showFirings([]);
      say(status, `backtest failed: ${error.message}`, "error");
      showProblem(error);
    }
  }

  $("sub-backtest").addEventListener("click", () => void run());

  return {
    open(d) {
      dashboard = d;
      ticket++;
      say(status, "");
    },
  };
}
