// A real HTTP receiver on loopback that records every request and answers as the test says.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to answer the n-th request (0-based): a status, a status with headers, or "hang" to never answer. */
export type Reply = number | { status: number; headers?: Record<string, string> } | "hang";

/** A reply may wait on a gate the test opens. */
export type Replier = (req: ReceivedRequest, n: number) => Reply | Promise<Reply>;

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests per webhook-id, counting only those answered with a 2xx. */
  accepted: Map<string, number>;
  /** Resolves once `n` requests in all have arrived. */
  arrived(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(reply: Replier = () => 204): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const accepted = new Map<string, number>();
  const hanging: ServerResponse[] = [];
  const arrivals = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const received = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const pending = reply(received, requests.length);
      requests.push(received);
      arrivals.forEach((notify) => notify());
      const answer = await pending;
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      const { status, headers } = typeof answer === "number" ? { status: answer, headers: {} } : answer;
      if (status >= 200 && status < 300) {
        const id = String(received.headers["webhook-id"]);
        accepted.set(id, (accepted.get(id) ?? 0) + 1);
      }
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    arrived: (n) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (requests.length < n) return;
          arrivals.delete(check);
          resolve();
        };
        arrivals.add(check);
        check();
      }),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
