// Per-shard health by round trip: a token this node SPUBLISHes on a channel the shard owns must come back
// to this node's own SSUBSCRIBE of it. A shard is up when that works, whatever its sockets look like.
import { randomUUID } from "node:crypto";
import type { createCluster } from "redis";
import { keySlot } from "./key-slot.js";
import { withTimeout } from "../timeout.js";

export type Cluster = ReturnType<typeof createCluster>;
export type ShardListener = (message: string, channel: string) => void;

/** The master (host:port) that owns `channel`'s slot in the client's current map, if it knows one. */
export function ownerOf(cluster: Cluster, channel: string): string | undefined {
  return cluster.slots[keySlot(channel)]?.master.address;
}

export interface ShardProbe {
  /** Handles probe tokens; false for any other channel. */
  hear(message: string, channel: string): boolean;
  /** This node's probe channel on the shard `address`: `<nodeChannel>:{n}` with n picked so it hashes there. */
  channelFor(cluster: Cluster, address: string): string | undefined;
  /** Subscribes the probe channel (idempotent), publishes a token, and waits for it to come back. */
  roundTrip(cluster: Cluster, address: string, listener: ShardListener): Promise<boolean>;
}

export function createShardProbe(nodeChannel: string, options: { timeoutMs: number; commandTimeoutMs: number }): ShardProbe {
  const tags = new Map<string, string>();
  const awaited = new Map<string, () => void>();

  function channelFor(cluster: Cluster, address: string) {
    const cached = tags.get(address);
    if (cached !== undefined && ownerOf(cluster, cached) === address) return cached;
    // About one in (number of masters) tags lands on a given shard; the bound only guards a shard with no slots.
    for (let n = 0; n < 100_000; n++) {
      const channel = `${nodeChannel}:{${n}}`;
      if (ownerOf(cluster, channel) === address) {
        tags.set(address, channel);
        return channel;
      }
    }
    return undefined;
  }

  return {
    hear(message, channel) {
      if (!channel.startsWith(nodeChannel)) return false;
      awaited.get(message)?.();
      return true;
    },
    channelFor,
    async roundTrip(cluster, address, listener) {
      const channel = channelFor(cluster, address);
      if (channel === undefined) return false;
      const token = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const heard = new Promise<boolean>((resolve) => {
        awaited.set(token, () => resolve(true));
        timer = setTimeout(() => resolve(false), options.timeoutMs);
      });
      try {
        await withTimeout(cluster.sSubscribe(channel, listener), options.commandTimeoutMs, "probe ssubscribe");
        await withTimeout(cluster.sPublish(channel, token), options.commandTimeoutMs, "probe spublish");
        return await heard;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
        awaited.delete(token);
      }
    },
  };
}
