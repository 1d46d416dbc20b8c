// Per-shard outages (a Redis Cluster broker): while a shard is down, only the feeds whose topics live on
// it are caught up from the log, every pollMs; feeds on healthy shards stay live. When the shard is back,
// or a topic has moved to another shard and is subscribed there, its feeds catch up once more.
import type { Broker } from "../broker/broker.js";
import { topicOf, type ChannelIndex } from "./channel-index.js";

export interface ShardOutageDeps {
  broker: Broker;
  index: Pick<ChannelIndex, "feeds">;
  pollMs: number;
  /** Some topics are live again: publishes that failed meanwhile can go out now. */
  onLiveAgain: () => void;
}

export function watchShardOutages(options: ShardOutageDeps): { close(): void } {
  const shards = options.broker.shards;
  let poll: NodeJS.Timeout | undefined;
  let closed = false;
  if (!shards) return { close() {} };

  const catchUpWhere = (wanted: (topic: string) => boolean) => {
    let any = false;
    for (const feed of options.index.feeds()) {
      if (!wanted(topicOf(feed.target))) continue;
      any = true;
      feed.requestCatchUp();
    }
    return any;
  };
  const catchUpDown = () => {
    // A wholly down broker has the hub poll every feed already.
    const polled = options.broker.state === "up" && catchUpWhere((topic) => shards.topicState(topic) === "down");
    if (!polled && !Object.values(shards.states()).includes("down")) {
      clearInterval(poll);
      poll = undefined;
    }
  };

  shards.onTopicsChange((changed, state) => {
    if (closed) return;
    if (state === "down") {
      poll ??= setInterval(catchUpDown, options.pollMs);
      catchUpDown();
      return;
    }
    const live = new Set(changed);
    catchUpWhere((topic) => live.has(topic));
    options.onLiveAgain();
  });

  return {
    close() {
      closed = true;
      clearInterval(poll);
    },
  };
}
