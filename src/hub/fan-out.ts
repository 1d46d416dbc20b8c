// Publishing committed entries to the broker: one message per topic per call, each event's body and each
// diff serialized once for all of them (batch.ts). When the broker refuses, local feeds get the entries
// directly (so this node's clients stay live through an outage) and the ranges are kept to publish again
// from the log once the broker is back.
import type { Logger } from "pino";
import type { Broker } from "../broker/broker.js";
import type { LogEntry } from "../protocol/event.js";
import type { Store } from "../store/store.js";
import { encodeCommit, PARTS_TOPIC } from "./batch.js";
import type { ChannelIndex } from "./channel-index.js";
import { createUnpublished, type UnpublishedRange } from "./unpublished.js";

export interface FanOutOptions {
  broker: Broker;
  store: Pick<Store, "readEvents">;
  index: ChannelIndex;
  logger: Logger;
  pageSize: number;
  maxUnpublishedDashboards: number;
  /** Default 3000. */
  echoAfterMs?: number;
  now?: () => number;
}

export interface FanOut {
  /** Never rejects: the entries are committed already, and a failure is remembered, not thrown. */
  publish(entries: LogEntry[]): Promise<void>;
  /** Publishes the remembered ranges again, read back from the log, and once more after echoAfterMs. */
  republish(): Promise<void>;
  close(): void;
  readonly unpublishedDashboards: number;
}

export function createFanOut(options: FanOutOptions): FanOut {
  const now = options.now ?? Date.now;
  const unpublished = createUnpublished(options.maxUnpublishedDashboards, (range) =>
    options.logger.warn({ range }, "too many unpublished dashboards: forgot the oldest; remote sessions rely on their own catch-up"),
  );
  let republishing = false;
  let closed = false;
  const echoes = new Set<NodeJS.Timeout>();

  /** Reads the range back from the log and publishes it; false when some of it is owed again. */
  async function republishRange(range: UnpublishedRange): Promise<boolean> {
    let after = range.from - 1;
    const owe = () => unpublished.noteRange({ dashboardId: range.dashboardId, from: after + 1, to: range.to });
    try {
      while (after < range.to) {
        const page = await options.store.readEvents(range.dashboardId, { afterSeq: after, limit: options.pageSize });
        const entries = page.entries.filter((e) => e.event.seq <= range.to);
        if (entries.length === 0) return true;
        const ok = await send(entries, false);
        after = entries[entries.length - 1]!.event.seq;
        if (!ok) {
          // The failed page noted itself; the rest of the range waits with it.
          if (after < range.to) owe();
          return false;
        }
      }
      return true;
    } catch (error) {
      options.logger.warn({ err: error, dashboard_id: range.dashboardId }, "republish read failed");
      owe();
      return false;
    }
  }

  async function send(entries: LogEntry[], deliverLocallyOnFailure: boolean): Promise<boolean> {
    const t = now();
    const { messages, parts } = encodeCommit(entries, t);
    options.index.rememberParts(parts);
    // Started in this order (parts first), so over one connection they arrive in this order.
    const sent = await options.broker.publishAll(messages);
    // Other nodes' persona alerts of this commit are owed when the parts they name did not go out.
    const partsLost = messages.some((m, i) => m.topic === PARTS_TOPIC && !sent[i]);
    let ok = true;
    sent.forEach((handedOver, i) => {
      const { topic, entries: list } = messages[i]!;
      if (topic === PARTS_TOPIC) return;
      if (handedOver) {
        if (partsLost && list.some((e) => e.persona !== null)) unpublished.note(list);
        return;
      }
      ok = false;
      if (deliverLocallyOnFailure) options.index.deliverLocally(topic, list, t);
      unpublished.note(list);
    });
    return ok && !partsLost;
  }

  return {
    async publish(entries) {
      if (entries.length === 0) return;
      try {
        if (!(await send(entries, true))) options.logger.warn({ count: entries.length }, "broker publish failed; will publish again from the log");
      } catch (error) {
        options.logger.error({ err: error }, "publish failed unexpectedly");
        unpublished.note(entries);
      }
    },
    async republish() {
      if (republishing || unpublished.size === 0) return;
      republishing = true;
      try {
        const sent: UnpublishedRange[] = [];
        for (const range of unpublished.take()) if (await republishRange(range)) sent.push(range);
        // Pub/sub keeps nothing: a node whose subscriber reconnects a moment after this one would miss
        // the republish. Once more a little later covers the nodes that come back together.
        if (sent.length > 0 && !closed) {
          const timer = setTimeout(() => {
            echoes.delete(timer);
            void Promise.all(sent.map(republishRange));
          }, options.echoAfterMs ?? 3000);
          timer.unref();
          echoes.add(timer);
        }
      } finally {
        republishing = false;
      }
    },
    close() {
      closed = true;
      for (const timer of echoes) clearTimeout(timer);
      echoes.clear();
    },
    get unpublishedDashboards() {
      return unpublished.size;
    },
  };
}
