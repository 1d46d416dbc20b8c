// GET /docs: the OpenAPI document as one readable HTML page, rendered here from the same object that
// /openapi.json serves. No script, no CDN, nothing to bundle: the page is text and one stylesheet inline.
import { escapeHtml } from "./html-escape.js";

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  summary: string;
  open: boolean;
  parameters: Json[];
  body: unknown;
  responses: [string, string][];
}

const METHODS = ["get", "post", "put", "patch", "delete"];

const anchor = (op: Operation) => `${op.method}-${op.path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}`;

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    const shared = (item.parameters ?? []) as Json[];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const body = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.["application/json"]?.schema;
      out.push({
        method,
        path,
        summary: String(op.summary ?? ""),
        open: Array.isArray(op.security) && op.security.length === 0,
        parameters: [...shared, ...((op.parameters ?? []) as Json[])],
        body,
        responses: Object.entries((op.responses ?? {}) as Record<string, { description?: string }>).map(([status, r]) => [status, r.description ?? ""]),
      });
    }
  }
  return out;
}

/** One line for a parameter's schema: its type and the limits a caller has to know. */
function brief(schema: unknown): string {
  if (!schema || typeof schema !== "object") return "";
  const s = schema as Json;
  const parts = [s.type ?? (s.anyOf ? "one of several" : "any"), s.format ? `(${String(s.format)})` : ""].map(String);
  if (Array.isArray(s.enum)) parts.push(`one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  for (const [key, label] of [["minimum", "≥"], ["maximum", "≤"], ["minLength", "length ≥"], ["maxLength", "length ≤"], ["pattern", "matching"], ["default", "default"]] as const) {
    // A format's own pattern (date-time's is a page wide) says less than the format's name.
    if (key === "pattern" && s.format) continue;
    if (s[key] !== undefined) parts.push(`${label} ${typeof s[key] === "string" ? String(s[key]) : JSON.stringify(s[key])}`);
  }
  return parts.filter(Boolean).join(" ");
}

function renderOperation(op: Operation): string {
  const params = op.parameters.length
    ? `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr></thead><tbody>${op.parameters
        .map((p) => `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? "yes" : "no"}</td><td>${escapeHtml(brief(p.schema))}</td></tr>`)
        .join("")}</tbody></table>`
    : "";
  const body = op.body === undefined ? "" : `<details><summary>request body (JSON Schema)</summary><pre>${escapeHtml(JSON.stringify(op.body, null, 2))}</pre></details>`;
  // The many error statuses share one description: one line for all of them.
  const grouped = new Map<string, string[]>();
  for (const [status, d] of op.responses) grouped.set(d, [...(grouped.get(d) ?? []), status]);
  const responses = `<ul class="responses">${[...grouped].map(([d, statuses]) => `<li><b>${escapeHtml(statuses.join(", "))}</b> ${escapeHtml(d)}</li>`).join("")}</ul>`;
  return `<section id="${anchor(op)}" data-testid="operation"><h3><span class="method ${op.method}">${op.method.toUpperCase()}</span> <code>${escapeHtml(op.path)}</code></h3>
<p>${escapeHtml(op.summary)}${op.open ? ' <span class="open">no token</span>' : ""}</p>${params}${body}${responses}</section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330}header{padding:1.2rem 2rem;background:#1d2330;color:#fff}
header a{color:#9cc3ff}main{display:grid;grid-template-columns:minmax(16rem,22rem) 1fr;gap:2rem;padding:1rem 2rem}
nav ol{list-style:none;padding:0;margin:0}nav li{margin:.15rem 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}nav a{text-decoration:none;color:inherit}
section{border-top:1px solid #dde2ea;padding:.6rem 0}h3{margin:.3rem 0;font-size:1rem}table{border-collapse:collapse;margin:.4rem 0}
td,th{border:1px solid #dde2ea;padding:.2rem .5rem;text-align:left;font-size:.9rem}pre{background:#f5f7fa;padding:.6rem;overflow:auto;font-size:.8rem}
.method{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:.05rem .3rem}
.get{background:#2f6fde}.post{background:#1f9d55}.patch{background:#c27c0e}.put{background:#8a4fd3}.delete{background:#c83737}
.open{font-size:.8rem;background:#eef1f5;border-radius:4px;padding:0 .3rem}.responses{margin:.3rem 0;padding-left:1.2rem;font-size:.9rem}`;

export function renderDocsPage(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const ops = operations(doc);
  const nav = ops.map((op) => `<li data-testid="route"><a href="#${anchor(op)}"><span class="method ${op.method}">${op.method.toUpperCase()}</span> ${escapeHtml(op.path)}</a></li>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(String(info.title ?? "API"))} API</title><style>${STYLE}</style></head><body>
<header><h1>${escapeHtml(String(info.title ?? "API"))} <small>${escapeHtml(String(info.version ?? ""))}</small></h1>
<p>${escapeHtml(String(info.description ?? ""))} Every route under <code>/api</code> takes <code>Authorization: Bearer &lt;JWT&gt;</code>; errors are <code>application/problem+json</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(String(doc.openapi ?? ""))}).</p></header>
<main><nav><h2>Routes</h2><ol>${nav}</ol></nav><div>${ops.map(renderOperation).join("\n")}</div></main></body></html>`;
}
