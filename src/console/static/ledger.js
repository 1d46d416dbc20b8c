// One alert's ledger (GET /alerts/:seq): the event, every delivery with its attempts, and the acks that
// covered it: "who was told, how, when, and did they see it".
import { ApiError, api, dashboardPath } from "./api.js";
import { $, el, replace, say, timeCell } from "./dom.js";
import { summarizeEvent } from "./summary.js";

const dash = (value) => (value === null || value === undefined ? "—" : String(value));

function attemptRow(attempt) {
  return el("tr", { testid: "ledger-attempt", dataset: { outcome: attempt.outcome } },
    el("td", { className: "num" }, attempt.n),
    el("td", {}, timeCell(attempt.at)),
    el("td", {}, el("span", { className: `outcome outcome-${attempt.outcome}` }, attempt.outcome)),
    el("td", { className: "num" }, dash(attempt.status_code)),
    el("td", { className: "num" }, `${attempt.duration_ms} ms`),
    el("td", { className: "wrap" }, dash(attempt.error)));
}

function deliveryBlock(d, retry) {
  const next = d.status === "pending" && d.next_attempt_at ? [" · next attempt ", timeCell(d.next_attempt_at)] : null;
  const again = d.status === "failed"
    ? el("button", { type: "button", className: "small quiet", testid: "ledger-retry", title: "send it again now", onclick: () => retry(d) }, "retry")
    : null;
  return el("div", { className: "delivery", testid: "ledger-delivery", dataset: { id: d.id, status: d.status } },
    el("div", { className: "delivery-head" },
      el("strong", {}, d.channel), ` (${d.reason}) · subscription ${d.subscription_id} · `,
      el("span", { className: `outcome outcome-${d.status}` }, d.status), next, " ", again),
    d.attempts.length === 0
      ? el("p", { className: "hint" }, "no attempt yet")
      : el("table", { className: "data" },
        el("thead", {}, el("tr", {}, ["#", "at", "outcome", "status", "took", "error"].map((h) => el("th", {}, h)))),
        el("tbody", {}, d.attempts.map(attemptRow))));
}

export function createLedger() {
  const card = $("ledger-card");
  const body = $("ledger-body");
  const status = $("ledger-status");
  let dashboard = null;
  let ticket = 0;

  async function show(seq) {
    if (!dashboard) return;
    const mine = ++ticket;
    card.hidden = false;
    Object.assign(card.dataset, { seq, state: "loading" });
    $("ledger-title").textContent = `Alert seq ${seq}`;
    replace(body);
    say(status, "loading…");
    try {
      const ledger = await api("GET", dashboardPath(dashboard.id, `/alerts/${seq}`));
      if (mine !== ticket) return;
      render(ledger);
      card.dataset.state = "ready";
    } catch (error) {
      if (mine !== ticket) return;
      card.dataset.state = "error";
      const missing = error instanceof ApiError && error.status === 404;
      say(status, missing ? `no alert at seq ${seq} that you may see (or this hub has no ledger route yet)` : error.message, "error");
    }
    card.scrollIntoView({ block: "nearest" });
  }

  function render({ event, deliveries, acks }) {
    $("ledger-title").textContent = `${event.kind} · seq ${event.seq}`;
    replace(body,
      el("p", {}, timeCell(event.at), " · ", summarizeEvent(event)),
      el("h3", {}, `Deliveries (${deliveries.length})`),
      deliveries.length ? deliveries.map((d) => deliveryBlock(d, retry)) : el("p", { className: "hint" }, "no webhook or email delivery for this alert"),
      el("h3", {}, `Acks (${acks.length})`),
      acks.length
        ? el("ul", { className: "acks" }, acks.map((a) => el("li", { testid: "ledger-ack" }, el("strong", {}, a.persona), " acked at ", timeCell(a.at))))
        : el("p", { className: "hint" }, "nobody has acked it"));
    say(status, "");
  }

  async function retry(d) {
    try {
      await api("POST", dashboardPath(dashboard.id, `/deliveries/${encodeURIComponent(d.id)}/retry`));
    } catch (error) {
      return say(status, `could not retry: ${error.message}`, "error");
    }
    await show(d.seq);
  }

  $("ledger-close").addEventListener("click", () => {
    ticket++;
    card.hidden = true;
  });

  return {
    open(d) {
      dashboard = d;
      ticket++;
      card.hidden = true;
    },
    show,
  };
}
