// REDIS_URL and REDIS_CLUSTER_URLS at start: a cluster list is parsed, both at once or a malformed list stops
// the hub with a message naming the variable.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("broker configuration", () => {
  it("reads a comma-separated list of cluster seeds", () => {
    const config = loadConfig({ REDIS_CLUSTER_URLS: "redis://10.0.0.1:7000, redis://10.0.0.2:7001,rediss://h:7002" });
    expect(config.redisClusterUrls).toEqual(["redis://10.0.0.1:7000", "redis://10.0.0.2:7001", "rediss://h:7002"]);
    expect(config.redisUrl).toBeNull();
    expect(loadConfig({}).redisClusterUrls).toBeNull();
  });

  it("refuses REDIS_URL and REDIS_CLUSTER_URLS together", () => {
    expect(problemsOf({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_CLUSTER_URLS: "redis://127.0.0.1:7000" })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_URLS: .*REDIS_URL/),
    ]);
  });

  it.each([
    ["not a url", "nonsense"],
    ["another scheme", "http://127.0.0.1:7000"],
    ["no port", "redis://127.0.0.1"],
    ["an empty item", "redis://127.0.0.1:7000,,redis://127.0.0.1:7001"],
    ["a trailing comma", "redis://127.0.0.1:7000,"],
  ])("refuses a list with %s", (_, value) => {
    expect(problemsOf({ REDIS_CLUSTER_URLS: value })).toEqual([expect.stringMatching(/^REDIS_CLUSTER_URLS: must be a comma-separated list/)]);
  });
});
