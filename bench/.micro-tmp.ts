import { judge } from "../src/core/judge.js";
import { checkJson } from "../src/http/json-guard.js";
import { parseSnapshotBody } from "../src/http/snapshot-body.js";
function bodyAt(tick: number) { const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `row-${i}`, score: 100000 - i * 50, region: i % 3 === 0 ? "eu" : "us", label: `Row number ${i}` }));
  if (tick % 2 === 1) rows[0]!.score = rows[1]!.score - 25;
  for (let k = 0; k < 50; k++) { const i = 2 + ((tick * 37 + k * 19) % 998); rows[i]!.score = Math.round(rows[i]!.score * (1.02 + ((tick + k) % 9) / 100)); }
  return JSON.stringify({ rows }); }
const RULES = [{ value_delta_pct: 0.01, on_field: "score" }, { or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.01, on_field: "score" }] }, { and: [{ value_delta_pct: 0.001, on_field: "score" }, { not: { set_removed_min: 1 } }] }, { top_n_reordering: 2 }];
const subs = Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, threshold_json: RULES[i % 4] as any }));
const texts = Array.from({ length: 50 }, (_, i) => bodyAt(i));
const settings = { idField: "id", rankBy: "score", topN: 10, primaryMetricField: null };
const time = (name: string, fn: (i: number) => unknown) => { for (let i = 0; i < 30; i++) fn(i); const t0 = performance.now(); const n = 200; for (let i = 0; i < n; i++) fn(i); console.log(name.padEnd(20), ((performance.now() - t0) / n).toFixed(3), "ms"); };
const parsed = texts.map((t) => JSON.parse(t));
time("JSON.parse", (i) => JSON.parse(texts[i % 50]!));
time("checkJson", (i) => checkJson(parsed[i % 50]));
time("parseSnapshotBody", (i) => parseSnapshotBody(parsed[i % 50], "id", 100000, new Date()));
time("stringify rows", (i) => JSON.stringify(parsed[i % 50].rows));
time("judge fresh", (i) => judge({ rows: JSON.parse(texts[i % 50]!).rows, primaryMetric: null }, { rows: JSON.parse(texts[(i + 1) % 50]!).rows, primaryMetric: null }, settings, subs));
time("2x parse only", (i) => [JSON.parse(texts[i % 50]!).rows, JSON.parse(texts[(i + 1) % 50]!).rows]);
let prev = { rows: parsed[0].rows, primaryMetric: null };
time("judge chained", (i) => { const next = { rows: JSON.parse(texts[(i + 1) % 50]!).rows, primaryMetric: null }; const r = judge(prev, next, settings, subs); prev = next; return r; });
const j = judge({ rows: parsed[0].rows, primaryMetric: null }, { rows: parsed[1].rows, primaryMetric: null }, settings, subs);
console.log("matches", j.matches.length, "diff bytes", JSON.stringify(j.diff).length, "trace bytes", JSON.stringify(j.matches.map((m) => m.trace)).length);
time("stringify traces", () => JSON.stringify(j.matches.map((m) => ({ trace: m.trace, subscription_id: "x", snapshot_id: "y" }))));
