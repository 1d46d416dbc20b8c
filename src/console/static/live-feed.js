// The live side: one SDK client per token, the watched channels, and the feed of what they deliver.
import { createClient } from "/sdk.js";
import { $, el, replace, timeCell } from "./dom.js";
import { summarizeEvent } from "./summary.js";

/** The feed is a view, not a store: the event log has the history. */
const MAX_ITEMS = 200;

export function createLiveFeed({ persona, onEvent }) {
  const feed = $("live-feed");
  const badge = $("conn-state");
  const chips = $("channels");
  /** channel → {since, subscription} */
  const channels = new Map();
  /** "dashboard:seq" → its feed item: an alert that arrives on a dashboard and a persona channel shows once. */
  const shown = new Map();
  let client = null;

  function setState(state) {
    badge.textContent = state;
    badge.dataset.state = state;
  }

  function connect(token) {
    client?.close();
    client = null;
    for (const entry of channels.values()) entry.subscription = null;
    if (!token) return setState("no token");
    try {
      client = createClient({ url: location.origin, token });
    } catch (error) {
      return note(`cannot connect: ${error.message}`, "error");
    }
    client.on("state", setState);
    client.on("error", (error) => note(`${error.code}: ${error.message}`, "error"));
    setState("connecting");
    for (const channel of channels.keys()) open(channel);
  }

  function watch(channel, since) {
    if (channels.has(channel)) return;
    channels.set(channel, { since, subscription: null });
    if (client) open(channel);
    renderChips();
  }

  function unwatch(channel) {
    channels.get(channel)?.subscription?.unsubscribe();
    channels.delete(channel);
    renderChips();
  }

  function open(channel) {
    const entry = channels.get(channel);
    const subscription = client.subscribe(channel, entry.since ? { since: entry.since } : {});
    entry.subscription = subscription;
    // A resubscribe after a token change starts from now; the first one may backfill.
    entry.since = undefined;
    subscription.on("event", (event) => {
      const key = `${event.dashboard_id}:${event.seq}`;
      const seen = shown.get(key);
      if (seen) return addVia(seen, channel);
      const item = eventItem(event, key);
      addVia(item, channel);
      shown.set(key, item);
      prepend(item);
      onEvent(event);
    });
    subscription.on("gap", (gap) => prepend(gapItem(gap)));
    subscription.on("error", (error) => {
      note(`${channel}: ${error.code}: ${error.message}`, "error");
      if (error.fatal && channels.get(channel)?.subscription === subscription) unwatch(channel);
    });
  }

  function eventItem(event, key) {
    const mine = event.kind === "alert.matched" && event.data?.subscriber_kind === "persona" && event.data?.subscriber_id === persona();
    const ack = mine
      ? el("button", {
          type: "button",
          className: "small",
          testid: "ack",
          title: "acknowledge your alerts of this dashboard up to this seq",
          onclick: (e) => {
            client?.ack(event.dashboard_id, event.seq);
            e.target.disabled = true;
            e.target.textContent = "acked";
          },
        }, "ack")
      : null;
    return el(
      "li",
      { className: `feed-item kind-${event.kind.replace(".", "-")}`, testid: "feed-item", dataset: { kind: event.kind, seq: event.seq, dashboard: event.dashboard_id, key } },
      el("div", { className: "feed-head" },
        el("span", { className: "seq" }, `#${event.seq}`),
        el("span", { className: "kind" }, event.kind),
        el("span", { className: "dash" }, event.dashboard_id),
        el("span", { className: "via" }),
        timeCell(event.at),
        ack),
      el("div", { className: "feed-summary", testid: "feed-summary" }, summarizeEvent(event)),
    );
  }

  /** The dashboard is named already; persona channels are worth saying. */
  function addVia(item, channel) {
    const via = (item.dataset.channels ? item.dataset.channels.split(" ") : []).concat(channel);
    item.dataset.channels = via.join(" ");
    item.querySelector(".via").textContent = via.filter((c) => c.startsWith("persona:")).join(" ");
  }

  function gapItem(gap) {
    return el("li", { className: "feed-item kind-gap", testid: "feed-item", dataset: { kind: "gap" } },
      el("div", { className: "feed-head" }, el("span", { className: "kind" }, "gap"), el("span", { className: "dash" }, gap.dashboard_id)),
      el("div", { className: "feed-summary" }, `seq ${gap.from_seq}–${gap.to_seq} can no longer be read (${gap.reason})`));
  }

  function note(text, kind) {
    prepend(el("li", { className: `feed-item kind-note ${kind}`, testid: "feed-note" }, text));
  }

  function prepend(item) {
    $("live-empty").hidden = true;
    feed.prepend(item);
    while (feed.childElementCount > MAX_ITEMS) {
      shown.delete(feed.lastElementChild.dataset.key);
      feed.lastElementChild.remove();
    }
  }

  function renderChips() {
    replace(chips, [...channels.keys()].map((channel) =>
      el("li", { className: "chip", testid: "channel-chip", dataset: { channel } },
        channel,
        el("button", { type: "button", className: "chip-x", title: `stop watching ${channel}`, onclick: () => unwatch(channel) }, "×"))));
    $("channels-empty").hidden = channels.size > 0;
  }

  $("live-clear").addEventListener("click", () => {
    feed.replaceChildren();
    shown.clear();
    $("live-empty").hidden = false;
  });

  return { connect, watch, unwatch, watching: (channel) => channels.has(channel) };
}
