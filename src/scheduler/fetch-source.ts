// Reads a dashboard's source_url: either {rows, primary_metric?} or a bare array of rows. The same URL safety as
// webhooks holds at every fetch: the name is resolved, every address checked, and the connection pinned to one.
import { pinnedGet } from "../delivery/pinned-post.js";
import { resolvePublicAddress, type Resolver } from "../delivery/url-safety.js";
import { within } from "../timeout.js";
import { checkJson } from "../input/json-guard.js";
import { describeSnapshotBodyError, readSnapshotBody, type SnapshotBody } from "../input/snapshot-body.js";

export type SourceResult = { ok: true; body: SnapshotBody } | { ok: false; error: string };

export interface SourceOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  maxRows: number;
  /** Name lookups; the system resolver when absent. */
  resolve?: Resolver;
}

export async function fetchSource(url: string, idField: string, options: SourceOptions): Promise<SourceResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: "source_url is not a URL" };
  }
  try {
    const checked = await within(resolvePublicAddress(parsed, options.allowPrivate, options.resolve), options.timeoutMs, () => "timeout" as const);
    if (checked === "timeout") return { ok: false, error: `resolving ${parsed.hostname} took over ${options.timeoutMs} ms` };
    if (!checked.ok) return { ok: false, error: `source_url ${checked.reason}` };
    const res = await pinnedGet({
      url: parsed,
      address: checked.address ?? parsed.hostname,
      headers: { accept: "application/json" },
      timeoutMs: options.timeoutMs,
      maxBodyBytes: options.maxBytes,
    });
    if (res.kind === "too-large") return { ok: false, error: `source body over ${options.maxBytes} bytes` };
    if (res.kind === "timeout") return { ok: false, error: `source took over ${options.timeoutMs} ms` };
    if (res.kind === "error") return { ok: false, error: res.message.slice(0, 300) };
    if (res.status < 200 || res.status > 299) return { ok: false, error: `source answered ${res.status}` };
    const json: unknown = JSON.parse(res.body.toString("utf8"));
    const bad = checkJson(json);
    if (bad) return { ok: false, error: `source ${bad.pointer}: ${bad.detail}` };
    const body = readSnapshotBody(Array.isArray(json) ? { rows: json } : json, idField, options.maxRows);
    if (!body.ok) return { ok: false, error: describeSnapshotBodyError(body.error).slice(0, 300) };
    return { ok: true, body: { ...body.value, taken_at: null } };
  } catch (error) {
    return { ok: false, error: (error as Error).message.slice(0, 300) };
  }
}
