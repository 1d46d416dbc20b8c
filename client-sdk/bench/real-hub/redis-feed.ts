// Publishes bench events on a hub's Redis topic exactly as the ingest path does after its commit (the
// same batch encoding), so that a bench can drive the live path without ingest's cost. The events must
// already be in the log (prefill-log.ts writes the same bytes).
import { createClient as createRedis } from "redis";
import { topics } from "../../../src/broker/broker.js";
import { encodeBatch } from "../../../src/hub/batch.js";
import { benchEvent } from "./prefill-log.js";

export interface RedisFeed {
  /** Seqs from..to of the dashboard, in one message. */
  publish(from: number, to: number): Promise<number>;
  /** Publishes `seq` every 100 ms until `arrived()`: a publish before the hub has joined the topic is lost. */
  knock(seq: number, arrived: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function openRedisFeed(redisUrl: string, dashboardId: string, at: string): Promise<RedisFeed> {
  const redis = createRedis({ url: redisUrl });
  await redis.connect();
  const publish = (from: number, to: number) => {
    const entries = [];
    for (let seq = from; seq <= to; seq++) entries.push({ event: benchEvent(dashboardId, seq, at), persona: null, prev_seq: null });
    return redis.publish(topics.dashboard(dashboardId), encodeBatch(entries, Date.now()));
  };
  return {
    publish,
    async knock(seq, arrived) {
      while (!arrived()) {
        await publish(seq, seq);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await redis.quit();
    },
  };
}
