// Which local feeds listen on which channel, and the broker subscriptions that follow from it: a topic is
// subscribed when the first local feed joins its channel and unsubscribed when the last one leaves. Each
// broker message is decoded once and each event frame encoded once per channel, then the same bytes are
// offered to every feed: nothing per client is stringified or awaited.
import type { Logger } from "pino";
import { topics, type Broker } from "../broker/broker.js";
import type { LogEntry } from "../protocol/event.js";
import type { Channel } from "../protocol/frames.js";
import { decodeBatch } from "./batch.js";
import type { ChannelFeed } from "./channel-feed.js";
import { encodeEventFrame } from "./wire.js";

export interface ChannelIndex {
  /** Resolves once the broker delivers the channel's topic to this node. */
  join(channel: Channel, feed: ChannelFeed): Promise<void>;
  leave(channel: Channel, feed: ChannelFeed): void;
  /** Entries that did not go through the broker (its publish failed) reach local feeds this way. */
  deliverLocally(topic: string, entries: LogEntry[], publishedAt: number): void;
  feeds(): Iterable<ChannelFeed>;
  readonly channelCount: number;
  /** Unsubscribes every topic; for shutdown. */
  clear(): Promise<void>;
}

export const topicOf = (channel: Channel) =>
  channel.kind === "dashboard" ? topics.dashboard(channel.id) : topics.persona(channel.id);

const nameOf = (channel: Channel) => `${channel.kind}:${channel.id}`;

interface Entry {
  name: string;
  withPrevSeq: boolean;
  feeds: Set<ChannelFeed>;
}

/** Called once per event and channel whose frame went straight to at least one socket. */
export type OnLiveWrite = (publishedAt: number) => void;

export function createChannelIndex(broker: Broker, logger: Logger, onLiveWrite: OnLiveWrite): ChannelIndex {
  const byTopic = new Map<string, Entry>();
  // Subscribe and unsubscribe of one topic run in order, so a quick leave-then-join ends subscribed.
  const chains = new Map<string, Promise<void>>();

  function serial(topic: string, op: () => Promise<void>): Promise<void> {
    const next = (chains.get(topic) ?? Promise.resolve()).then(op).catch((error: unknown) => {
      // A failed subscribe is covered by the catch-up that follows the broker's next "up".
      logger.warn({ err: error, topic }, "broker subscription change failed");
    });
    chains.set(topic, next);
    void next.then(() => {
      if (chains.get(topic) === next) chains.delete(topic);
    });
    return next;
  }

  function route(topic: string, entries: LogEntry[], publishedAt: number) {
    const entry = byTopic.get(topic);
    if (!entry) return;
    for (const logEntry of entries) {
      const frame = encodeEventFrame(entry.name, logEntry, entry.withPrevSeq);
      let written = false;
      for (const feed of entry.feeds) written = feed.offer(logEntry, frame) || written;
      if (written) onLiveWrite(publishedAt);
    }
  }

  function onMessage(topic: string) {
    return (message: string) => {
      const batch = decodeBatch(message);
      if (!batch) {
        logger.warn({ topic }, "ignored a broker message that is not a batch");
        return;
      }
      route(topic, batch.entries, batch.t);
    };
  }

  return {
    join(channel, feed) {
      const topic = topicOf(channel);
      const entry = byTopic.get(topic);
      if (entry) {
        entry.feeds.add(feed);
        // Wait for a subscribe still in flight: joining must not resolve before the topic is live.
        return chains.get(topic) ?? Promise.resolve();
      }
      byTopic.set(topic, { name: nameOf(channel), withPrevSeq: channel.kind === "persona", feeds: new Set([feed]) });
      return serial(topic, () => broker.subscribe(topic, onMessage(topic)));
    },
    leave(channel, feed) {
      const topic = topicOf(channel);
      const entry = byTopic.get(topic);
      if (!entry || !entry.feeds.delete(feed) || entry.feeds.size > 0) return;
      byTopic.delete(topic);
      void serial(topic, async () => {
        // Someone joined again while this waited its turn: keep the subscription.
        if (!byTopic.has(topic)) await broker.unsubscribe(topic);
      });
    },
    deliverLocally: route,
    *feeds() {
      for (const entry of byTopic.values()) yield* entry.feeds;
    },
    get channelCount() {
      return byTopic.size;
    },
    async clear() {
      const names = [...byTopic.keys()];
      byTopic.clear();
      await Promise.all(names.map((topic) => serial(topic, () => broker.unsubscribe(topic))));
    },
  };
}
