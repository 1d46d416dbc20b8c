// The behaviour every Broker implementation owes the hub. Run by memory-broker.test.ts and redis-broker.test.ts.
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Broker } from "../../src/broker/broker.js";
import { createCollector } from "./helpers/collector.js";

export function brokerContract(name: string, open: () => Promise<Broker>) {
  describe(`Broker contract: ${name}`, () => {
    let broker: Broker;
    // Topics unique per test: a shared Redis may carry other tests' traffic.
    let prefix: string;
    const topic = (t: string) => `${prefix}:${t}`;

    beforeEach(async () => {
      prefix = `test:${randomBytes(6).toString("hex")}`;
      broker = await open();
    });
    afterEach(async () => {
      await broker.close();
    });

    it("is up once opened", () => {
      expect(broker.state).toBe("up");
    });

    it("delivers a published message to the topic's handler", async () => {
      const got = createCollector<string>();
      await broker.subscribe(topic("a"), got.push);
      await broker.publish(topic("a"), "hello");
      expect(await got.waitFor(1)).toEqual(["hello"]);
    });

    it("delivers only the topics that are subscribed", async () => {
      const a = createCollector<string>();
      const b = createCollector<string>();
      await broker.subscribe(topic("a"), a.push);
      await broker.subscribe(topic("b"), b.push);
      await broker.publish(topic("other"), "x");
      await broker.publish(topic("a"), "1");
      await broker.publish(topic("b"), "2");
      await Promise.all([a.waitFor(1), b.waitFor(1)]);
      expect(a.items).toEqual(["1"]);
      expect(b.items).toEqual(["2"]);
    });

    it("hands over every message of publishAll, in order per topic, and says so per message", async () => {
      const a = createCollector<string>();
      const b = createCollector<string>();
      await broker.subscribe(topic("a"), a.push);
      await broker.subscribe(topic("b"), b.push);
      const messages = [1, 2, 3].flatMap((n) => [
        { topic: topic("a"), message: `a${n}` },
        { topic: topic("b"), message: `b${n}` },
      ]);
      expect(await broker.publishAll(messages)).toEqual(messages.map(() => true));
      expect(await a.waitFor(3)).toEqual(["a1", "a2", "a3"]);
      expect(await b.waitFor(3)).toEqual(["b1", "b2", "b3"]);
    });

    it("stops delivering a topic after unsubscribe", async () => {
      const a = createCollector<string>();
      const marker = createCollector<string>();
      await broker.subscribe(topic("a"), a.push);
      await broker.subscribe(topic("marker"), marker.push);
      await broker.publish(topic("a"), "before");
      await a.waitFor(1);
      await broker.unsubscribe(topic("a"));
      await broker.publish(topic("a"), "after");
      // Same connection, same order: had "after" been delivered, it would have come before the marker.
      await broker.publish(topic("marker"), "done");
      await marker.waitFor(1);
      expect(a.items).toEqual(["before"]);
    });

    it("keeps publish order within a topic", async () => {
      const got = createCollector<string>();
      await broker.subscribe(topic("ordered"), got.push);
      const sent = Array.from({ length: 200 }, (_, i) => String(i));
      await Promise.all(sent.map((m) => broker.publish(topic("ordered"), m)));
      expect(await got.waitFor(sent.length)).toEqual(sent);
    });

    it("never runs a handler inside publish()", async () => {
      const got = createCollector<string>();
      await broker.subscribe(topic("async"), got.push);
      const published = broker.publish(topic("async"), "m");
      expect(got.items).toEqual([]);
      await published;
      await got.waitFor(1);
    });

    it("replaces the handler when a topic is subscribed again", async () => {
      const first = createCollector<string>();
      const second = createCollector<string>();
      await broker.subscribe(topic("again"), first.push);
      await broker.subscribe(topic("again"), second.push);
      await broker.publish(topic("again"), "m");
      await second.waitFor(1);
      expect(first.items).toEqual([]);
    });

    it("carries large messages intact", async () => {
      const got = createCollector<string>();
      await broker.subscribe(topic("big"), got.push);
      const big = JSON.stringify({ rows: "é🙂x".repeat(100_000) });
      await broker.publish(topic("big"), big);
      expect((await got.waitFor(1))[0]).toBe(big);
    });
  });
}
