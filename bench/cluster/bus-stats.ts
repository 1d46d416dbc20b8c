// Cluster-bus and command counters summed over the masters: CLUSTER INFO's messages sent (all types, and
// the pub/sub ones: "publish" for classic PUBLISH, "publishshard" for SPUBLISH to replicas) and the calls
// of PUBLISH + SPUBLISH from INFO commandstats.
import type { RedisCluster } from "../../test/helpers/redis-cluster.js";

export interface BusCounters {
  allMessagesSent: number;
  pubsubMessagesSent: number;
  brokerPublishes: number;
}

const field = (text: string, name: string) => Number(new RegExp(`${name}[:=](\\d+)`).exec(text)?.[1] ?? 0);

export async function busCounters(cluster: RedisCluster): Promise<BusCounters> {
  const total: BusCounters = { allMessagesSent: 0, pubsubMessagesSent: 0, brokerPublishes: 0 };
  for (const node of cluster.nodes) {
    const info = await cluster.cli(node, "cluster", "info");
    total.allMessagesSent += field(info, "cluster_stats_messages_sent");
    total.pubsubMessagesSent += field(info, "cluster_stats_messages_publish_sent") + field(info, "cluster_stats_messages_publishshard_sent");
    const stats = await cluster.cli(node, "info", "commandstats");
    total.brokerPublishes += field(stats, "cmdstat_publish:calls") + field(stats, "cmdstat_spublish:calls");
  }
  return total;
}
