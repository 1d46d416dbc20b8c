// Reads a dashboard's source_url: either {rows, primary_metric?} or a bare array of rows.
import { checkWebhookUrl } from "../delivery/url-safety.js";
import { checkJson } from "../http/json-guard.js";
import { parseSnapshotBody, type SnapshotBody } from "../http/snapshot-body.js";

export type SourceResult = { ok: true; body: SnapshotBody } | { ok: false; error: string };

export interface SourceOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  maxRows: number;
}

export async function fetchSource(url: string, idField: string, o: SourceOptions): Promise<SourceResult> {
  const check = checkWebhookUrl(url, o.allowPrivate);
  if (!check.ok) return { ok: false, error: `source_url ${check.reason}` };
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(o.timeoutMs), headers: { accept: "application/json" } });
    if (res.status < 200 || res.status > 299) return { ok: false, error: `source answered ${res.status}` };
    const text = await res.text();
    if (Buffer.byteLength(text) > o.maxBytes) return { ok: false, error: `source body over ${o.maxBytes} bytes` };
    const json: unknown = JSON.parse(text);
    const bad = checkJson(json);
    if (bad) return { ok: false, error: `source ${bad.pointer}: ${bad.detail}` };
    const body = parseSnapshotBody(Array.isArray(json) ? { rows: json } : json, idField, o.maxRows);
    return { ok: true, body: { ...body, taken_at: null } };
  } catch (error) {
    return { ok: false, error: (error as Error).message.slice(0, 300) };
  }
}
