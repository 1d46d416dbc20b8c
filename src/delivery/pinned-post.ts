// One HTTP POST to an address that was already checked. Connecting to that address (not re-resolving the name)
// closes the DNS-rebinding gap between the safety check and the connection; TLS still verifies the hostname.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";

export type PostOutcome =
  | { kind: "response"; status: number; statusText: string; headers: IncomingHttpHeaders }
  | { kind: "timeout" }
  | { kind: "error"; message: string };

export interface PinnedPost {
  url: URL;
  /** The IP address the name resolved to when it was checked; a name (WEBHOOK_ALLOW_PRIVATE) is not pinned. */
  address: string;
  headers: Record<string, string>;
  body: string;
  /** Deadline for connecting and receiving the status line. */
  timeoutMs: number;
}

/** Resolves at the status line; the body is drained and ignored. Never follows redirects. Never rejects. */
export function pinnedPost(p: PinnedPost): Promise<PostOutcome> {
  const family = isIP(p.address);
  const lookup: LookupFunction | undefined =
    family === 0
      ? undefined
      : (_host, options, callback) => {
          if (options.all) callback(null, [{ address: p.address, family }]);
          else callback(null, p.address, family);
        };
  const send = p.url.protocol === "https:" ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(p.timeoutMs);
  return new Promise((resolve) => {
    const req = send(p.url, {
      method: "POST",
      headers: { ...p.headers, "content-length": String(Buffer.byteLength(p.body)) },
      // A fresh socket per attempt: a pooled one could be bound to an address checked for another name.
      agent: false,
      ...(lookup ? { lookup } : {}),
      signal,
    });
    req.once("response", (res) => {
      res.resume();
      res.once("error", () => {});
      resolve({ kind: "response", status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: res.headers });
    });
    req.once("error", (err: Error) => {
      resolve(signal.aborted ? { kind: "timeout" } : { kind: "error", message: err.message });
    });
    req.end(p.body);
  });
}
