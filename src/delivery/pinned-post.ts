// One HTTP request to an address that was already checked. Connecting to that address (not re-resolving the
// name) closes the DNS-rebinding gap between the safety check and the connection; TLS still verifies the hostname.
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

export interface PinnedGet {
  url: URL;
  address: string;
  headers: Record<string, string>;
  /** Deadline for the whole exchange, body included. */
  timeoutMs: number;
  /** Reading stops (and the connection is cut) once the body would exceed this. */
  maxBodyBytes: number;
}

export type GetOutcome =
  | { kind: "response"; status: number; body: Buffer }
  | { kind: "too-large" }
  | { kind: "timeout" }
  | { kind: "error"; message: string };

/** Resolves at the status line; the body is drained and ignored. Never follows redirects. Never rejects. */
export function pinnedPost(p: PinnedPost): Promise<PostOutcome> {
  const signal = AbortSignal.timeout(p.timeoutMs);
  return new Promise((resolve) => {
    const req = pinnedRequest(p.url, p.address, "POST", { ...p.headers, "content-length": String(Buffer.byteLength(p.body)) }, signal);
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

/** A GET whose body is read only up to maxBodyBytes. Never follows redirects. Never rejects. */
export function pinnedGet(p: PinnedGet): Promise<GetOutcome> {
  const signal = AbortSignal.timeout(p.timeoutMs);
  return new Promise((resolve) => {
    const req = pinnedRequest(p.url, p.address, "GET", p.headers, signal);
    const fail = (err: Error) => resolve(signal.aborted ? { kind: "timeout" } : { kind: "error", message: err.message });
    req.once("error", fail);
    req.once("response", (res) => {
      const declared = Number(res.headers["content-length"]);
      if (declared > p.maxBodyBytes) {
        req.destroy();
        return resolve({ kind: "too-large" });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > p.maxBodyBytes) {
          resolve({ kind: "too-large" });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.once("error", fail);
      res.once("end", () => resolve({ kind: "response", status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.end();
  });
}

function pinnedRequest(url: URL, address: string, method: string, headers: Record<string, string>, signal: AbortSignal) {
  const family = isIP(address);
  const lookup: LookupFunction | undefined =
    family === 0
      ? undefined
      : (_host, options, callback) => {
          if (options.all) callback(null, [{ address, family }]);
          else callback(null, address, family);
        };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return send(url, {
    method,
    headers,
    // A fresh socket per attempt: a pooled one could be bound to an address checked for another name.
    agent: false,
    ...(lookup ? { lookup } : {}),
    signal,
  });
}
