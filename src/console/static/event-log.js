// The dashboard's event log, read through GET /events in windows of `limit` seqs, newest window first; an
// alert's "ledger" button opens where it went.
import { api, dashboardPath } from "./api.js";
import { $, el, replace, say, timeCell } from "./dom.js";
import { summarizeEvent } from "./summary.js";

export function createEventLog({ onAlert }) {
  const body = $("log-rows");
  const status = $("log-status");
  let dashboard = null;
  let after = 0;
  let page = null;
  let reload = null;

  const limit = () => Number($("log-limit").value);
  const kinds = () => $("log-kinds").value;
  const latestAfter = (head) => Math.max(0, head - limit());

  async function load(afterSeq) {
    if (!dashboard) return;
    const id = dashboard.id;
    const query = new URLSearchParams({ after_seq: String(afterSeq), limit: String(limit()) });
    if (kinds()) query.set("kinds", kinds());
    try {
      const result = await api("GET", dashboardPath(id, `/events?${query}`));
      if (dashboard?.id !== id) return;
      after = afterSeq;
      page = result;
      render();
    } catch (error) {
      say(status, `could not read the log: ${error.message}`, "error");
    }
  }

  function render() {
    const { events, head_seq: head } = page;
    replace(body, events.map((event) =>
      el("tr", { testid: "log-row", dataset: { seq: event.seq, kind: event.kind } },
        el("td", { className: "num" }, event.seq),
        el("td", {}, el("span", { className: `kind kind-${event.kind.replace(".", "-")}` }, event.kind),
          event.kind.startsWith("alert.") ? el("button", { type: "button", className: "small quiet", testid: "log-ledger", title: "where this alert went", onclick: () => onAlert(event.seq) }, "ledger") : null),
        el("td", {}, timeCell(event.at)),
        el("td", { className: "actor" }, event.actor),
        el("td", {}, el("details", {}, el("summary", {}, summarizeEvent(event)), el("pre", {}, JSON.stringify(event.data, null, 2)))))));
    const window = `seq ${after + 1}–${Math.min(after + limit(), head)}`;
    say(status, head === 0 ? "the log is empty" : `${window} of ${head} · ${events.length} event${events.length === 1 ? "" : "s"} shown`);
    $("log-older").disabled = after === 0;
    $("log-newer").disabled = after + limit() >= head;
    $("log-latest").disabled = after >= latestAfter(head);
  }

  $("log-older").addEventListener("click", () => load(Math.max(0, after - limit())));
  $("log-newer").addEventListener("click", () => load(after + limit()));
  $("log-latest").addEventListener("click", () => load(latestAfter(page?.head_seq ?? 0)));
  $("log-kinds").addEventListener("change", () => load(after));
  $("log-limit").addEventListener("change", () => load(latestAfter(page?.head_seq ?? 0)));

  return {
    open(d) {
      dashboard = d;
      page = null;
      replace(body);
      return load(latestAfter(d.head_seq));
    },
    /** A live event: follow it when the newest window is on screen; coalesce bursts into one read. */
    onLive(event) {
      if (!page || !dashboard || event.dashboard_id !== dashboard.id) return;
      if (after + limit() < page.head_seq) return;
      clearTimeout(reload);
      reload = setTimeout(() => load(latestAfter(Math.max(event.seq, page.head_seq))), 200);
    },
  };
}
