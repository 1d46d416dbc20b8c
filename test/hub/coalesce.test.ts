// Write coalescing over a real loopback TCP pair: what one loop turn writes stays corked in the stream,
// leaves together after the turn, and arrives whole and in order.
import { once } from "node:events";
import { createServer, connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCoalescer } from "../../src/hub/coalesce.js";
import { Writer } from "../../src/hub/writer.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

async function socketPair(): Promise<{ out: Socket; received: () => Buffer }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const out = connect(port, "127.0.0.1");
  await once(out, "connect");
  const [peer] = await accepted;
  const chunks: Buffer[] = [];
  peer.on("data", (c: Buffer) => chunks.push(c));
  cleanup.push(() => {
    out.destroy();
    peer.destroy();
    server.close();
  });
  return { out, received: () => Buffer.concat(chunks) };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe("coalescer", () => {
  it("holds a turn's writes in the stream and lets them go together after the turn", async () => {
    const coalescer = createCoalescer();
    const { out, received } = await socketPair();
    const turn = coalescer.turn;
    for (const part of ["one ", "two ", "three"]) {
      coalescer.hold(out);
      out.write(part);
    }
    expect(out.writableLength, "nothing reached the kernel during the turn").toBe(13);
    expect(coalescer.turn).toBe(turn);
    await nextTurn();
    expect(coalescer.turn).toBe(turn + 1);
    expect(out.writableLength).toBe(0);
    await expect.poll(() => received().toString()).toBe("one two three");
  });

  it("corks each stream once per turn and flushes every stream it held", async () => {
    const coalescer = createCoalescer();
    const a = await socketPair();
    const b = await socketPair();
    coalescer.hold(a.out);
    coalescer.hold(a.out);
    coalescer.hold(b.out);
    a.out.write("a");
    b.out.write("b");
    expect(a.out.writableCorked).toBe(1);
    expect(b.out.writableCorked).toBe(1);
    await nextTurn();
    expect([a.out.writableCorked, b.out.writableCorked]).toEqual([0, 0]);
    await expect.poll(() => a.received().toString() + b.received().toString()).toBe("ab");
  });

  it("calls a deferred writer back once the turn ends, while the turn's count still stands", async () => {
    const coalescer = createCoalescer();
    const { out, received } = await socketPair();
    const turn = coalescer.turn;
    const seen: number[] = [];
    coalescer.defer({ endOfTurn: () => void (seen.push(coalescer.turn), out.write("held")) });
    expect(seen, "not during the turn").toEqual([]);
    await nextTurn();
    expect(seen).toEqual([turn]);
    expect(coalescer.turn).toBe(turn + 1);
    expect(out.writableCorked, "a deferred write goes to an uncorked stream").toBe(0);
    await expect.poll(() => received().toString()).toBe("held");
  });

  it("writes a connection's one frame of a turn on its own after the turn, and corks when a second follows", async () => {
    const coalescer = createCoalescer();
    const { out, received } = await socketPair();
    const settings = { budgetBytes: 1 << 20, slowCloseMs: 1000, coalescer, onEventWritten: () => {}, onEventDropped: () => {}, onGap: () => {} };
    const writer = new Writer({ readyState: 1 }, out, { slowConsumer: () => {} }, settings);
    expect(writer.event("c", "d", 1, Buffer.from("one "))).toBe(true);
    expect([out.writableLength, out.writableCorked, writer.bufferedBytes], "held by the writer, not the stream").toEqual([0, 0, 4]);
    await nextTurn();
    await expect.poll(() => received().toString()).toBe("one ");
    writer.event("c", "d", 2, Buffer.from("two "));
    writer.event("c", "d", 3, Buffer.from("three"));
    expect([out.writableLength, out.writableCorked, writer.bufferedBytes], "both corked in the stream, in order").toEqual([9, 1, 9]);
    await nextTurn();
    expect(out.writableCorked).toBe(0);
    await expect.poll(() => received().toString()).toBe("one two three");
  });
});
