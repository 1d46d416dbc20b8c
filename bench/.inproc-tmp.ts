// In-process A/B of route + ingest CPU (no HTTP server, no broker): app.request() against PostgreSQL.
import postgres from "postgres";
const root = process.argv[2]!; const subsN = Number(process.argv[3] ?? 100); const N = Number(process.argv[4] ?? 100);
const rr = process.argv[5] === "rr";
const { createApp } = await import(`${root}/src/app.ts`);
const { createTokenVerifier } = await import(`${root}/src/http/auth.ts`);
const { DEFAULT_SETTINGS } = await import(`${root}/src/http/routes/dashboards.ts`);
const { mintToken } = await import(`${root}/src/http/token.ts`);
const { openDatabase } = await import(`${root}/src/store/database.ts`);
const { createDrizzleStore } = await import(`${root}/src/store/drizzle-store.ts`);
const pino = (await import("pino")).default; const { Registry } = await import("prom-client");
const SECRET = "bench-secret-bench-secret-bench-secret!!";
const admin = postgres("postgres://postgres@127.0.0.1:5432/test", { max: 1, onnotice: () => {} });
const dbName = `dw_inproc_${process.pid}`; await admin.unsafe(`create database ${dbName}`);
const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const mk = async () => { const database = await openDatabase({ databaseUrl: url }); const store = createDrizzleStore(database);
  return { store, app: createApp({ store, publish: () => {}, logger: pino({ level: "silent" }), now: () => new Date(), limits: { maxRows: 100000, webhookAllowPrivate: false },
    verifyToken: createTokenVerifier({ secret: SECRET, jwksUrl: null, issuer: null, audience: null }), maxBodyBytes: 10 << 20, rateLimitPerMin: 0, metrics: new Registry() }) }; };
const nodes = [await mk(), ...(rr ? [await mk(), await mk()] : [])];
const token = await mintToken(SECRET, { sub: "bench", roles: ["admin"] });
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const store = nodes[0]!.store;
await store.createDashboard("b", { ...DEFAULT_SETTINGS, rank_by: "score" });
const RULES = [{ value_delta_pct: 0.01, on_field: "score" }, { or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.01, on_field: "score" }] }, { and: [{ value_delta_pct: 0.001, on_field: "score" }, { not: { set_removed_min: 1 } }] }, { top_n_reordering: 2 }];
for (let i = 0; i < subsN; i++) await store.createSubscription({ dashboard_id: "b", subscriber_kind: "persona", subscriber_id: `persona-${i % 100}`, threshold_json: RULES[i % 4], fallback: null, owner: "bench" }, { secret: null, fallback_secret: null }, "bench");
function bodyAt(tick: number) { const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `row-${i}`, score: 100000 - i * 50, region: i % 3 === 0 ? "eu" : "us", label: `Row number ${i}` }));
  if (tick % 2 === 1) rows[0]!.score = rows[1]!.score - 25;
  for (let k = 0; k < 50; k++) { const i = 2 + ((tick * 37 + k * 19) % 998); rows[i]!.score = Math.round(rows[i]!.score * (1.02 + ((tick + k) % 9) / 100)); }
  return JSON.stringify({ rows }); }
let tick = 0; const post = async () => { tick++; const body = bodyAt(tick); const app = nodes[tick % nodes.length]!.app; const t0 = process.cpuUsage(); const w0 = performance.now();
  const res = await app.request("/api/dashboard/b/snapshot", { method: "POST", headers, body }); const j = await res.json() as any; const c = process.cpuUsage(t0);
  if (res.status !== 201 || (tick > 1 && j.alerts.length !== subsN)) throw new Error(`${res.status} ${JSON.stringify(j).slice(0, 200)}`); return [(c.user + c.system) / 1000, performance.now() - w0]; };
for (let i = 0; i < 20; i++) await post();
const cpu: number[] = [], wall: number[] = []; for (let i = 0; i < N; i++) { const [c, w] = await post(); cpu.push(c!); wall.push(w!); }
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(JSON.stringify({ root, subsN, rr, cpu_median_ms: med(cpu).toFixed(2), cpu_mean_ms: (cpu.reduce((s, v) => s + v, 0) / N).toFixed(2), wall_median_ms: med(wall).toFixed(2) }));
for (const n of nodes) await n.store.close(); await admin.unsafe(`drop database ${dbName} with (force)`); await admin.end();
