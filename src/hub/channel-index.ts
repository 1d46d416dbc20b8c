// Which local feeds listen on which channel, and the broker subscriptions that follow from it: a topic is
// subscribed when the first local feed joins its channel and unsubscribed when the last one leaves, and
// PARTS_TOPIC (the diffs persona alerts name) while any persona channel is held. Each broker message's
// header is parsed once; an event's body is sliced from the message and spliced into one frame per
// channel, then the same bytes are offered to every feed: nothing per client is stringified or awaited,
// and no diff is parsed.
import type { Logger } from "pino";
import { topics, type Broker } from "../broker/broker.js";
import type { LogEntry } from "../protocol/event.js";
import type { Channel } from "../protocol/frames.js";
import { decodeBatch, PARTS_TOPIC, type Batch } from "./batch.js";
import type { ChannelFeed } from "./channel-feed.js";
import { createPartCache } from "./part-cache.js";
import { remoteEntry } from "./remote-entry.js";
import { metaText } from "./event-json.js";
import { encodeEventFrame, eventBody, frameAround } from "./wire.js";

export interface ChannelIndex {
  /** Resolves once the broker delivers the channel's topic to this node. */
  join(channel: Channel, feed: ChannelFeed): Promise<void>;
  leave(channel: Channel, feed: ChannelFeed): void;
  /** Entries that did not go through the broker (its publish failed) reach local feeds this way. */
  deliverLocally(topic: string, entries: LogEntry[], publishedAt: number): void;
  /** Parts this node published: its own alerts never wait for PARTS_TOPIC to echo them back. */
  rememberParts(parts: Map<string, string>): void;
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

const NO_KEYS: readonly string[] = [];

export function createChannelIndex(broker: Broker, logger: Logger, onLiveWrite: OnLiveWrite): ChannelIndex {
  const byTopic = new Map<string, Entry>();
  // Subscribe and unsubscribe of one topic run in order, so a quick leave-then-join ends subscribed.
  const chains = new Map<string, Promise<void>>();
  const parts = createPartCache();
  let personaChannels = 0;

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

  function routeBatch(topic: string, batch: Batch) {
    const entry = byTopic.get(topic);
    if (!entry) return;
    let lost = 0;
    // Parts come from the cache, shared by every topic; one this message carries may have been pushed
    // out already by the message's own other parts (a republished page spans many snapshots).
    let carried: Map<string, Buffer> | undefined;
    const partOf = (key: string) => {
      const cached = parts.get(key) ?? carried?.get(key);
      if (cached) return cached;
      const text = batch.parts.get(key);
      if (text === undefined) return undefined;
      const bytes = Buffer.from(text);
      (carried ??= new Map()).set(key, bytes);
      return bytes;
    };
    for (const ref of batch.entries) {
      const part = ref.partKey === null ? null : partOf(ref.partKey);
      if (part === undefined) {
        lost++;
        continue;
      }
      const body = eventBody(metaText(ref.event) + ref.head, part);
      const frame = frameAround(entry.name, body, entry.withPrevSeq ? (ref.prevSeq ?? 0) : null);
      const logEntry = remoteEntry(ref, body);
      let written = false;
      for (const feed of entry.feeds) written = feed.offer(logEntry, frame) || written;
      if (written) onLiveWrite(batch.t);
    }
    if (lost > 0) logger.warn({ topic, lost }, "a broker message named parts that never came; its feeds read those events from the log");
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
      for (const [key, text] of batch.parts) parts.put(key, text);
      if (batch.entries.length === 0) return;
      // Each missing key once (a snapshot's alerts all name its one part); nothing allocated when none is.
      let missing: string[] | undefined;
      for (const { partKey: key } of batch.entries) {
        if (key === null || batch.parts.has(key) || parts.has(key) || missing?.includes(key)) continue;
        (missing ??= []).push(key);
      }
      parts.whenPresent(topic, missing ?? NO_KEYS, () => routeBatch(topic, batch));
    };
  }

  function holdParts(delta: 1 | -1): Promise<void> {
    personaChannels += delta;
    if (delta === 1 && personaChannels === 1) return serial(PARTS_TOPIC, () => broker.subscribe(PARTS_TOPIC, onMessage(PARTS_TOPIC)));
    if (delta === -1 && personaChannels === 0) {
      return serial(PARTS_TOPIC, async () => {
        if (personaChannels === 0) await broker.unsubscribe(PARTS_TOPIC);
      });
    }
    return chains.get(PARTS_TOPIC) ?? Promise.resolve();
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
      const subscribed = serial(topic, () => broker.subscribe(topic, onMessage(topic)));
      return channel.kind === "persona" ? Promise.all([subscribed, holdParts(1)]).then(() => {}) : subscribed;
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
      if (channel.kind === "persona") void holdParts(-1);
    },
    deliverLocally: route,
    rememberParts(published) {
      for (const [key, text] of published) parts.put(key, text);
    },
    *feeds() {
      for (const entry of byTopic.values()) yield* entry.feeds;
    },
    get channelCount() {
      return byTopic.size;
    },
    async clear() {
      const names = [...byTopic.keys()];
      if (personaChannels > 0) names.push(PARTS_TOPIC);
      personaChannels = 0;
      byTopic.clear();
      parts.close();
      await Promise.all(names.map((topic) => serial(topic, () => broker.unsubscribe(topic))));
    },
  };
}
