// `npm run demo`: feeds a running hub a changing leaderboard so that alerts flow in the console.
//   DASHWATCH_URL    the hub (default http://127.0.0.1:8787)
//   DASHWATCH_TOKEN  a token with the publisher or admin role; when absent, an admin token is minted with
//                    the secret `npm start` keeps in DATA_DIR/jwt-secret (DATA_DIR default ./data)
//   --iterations N (default 100), --interval-ms M (default 3000), --seed S: bounded, and Ctrl-C stops it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { decodeJwt } from "jose";
import { mintToken } from "../src/http/token.js";

const DASHBOARD = "demo-leaderboard";
const RULE = { or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.25, on_field: "score" }, { set_added_min: 1 }] };
const PLAYERS = ["ann", "bo", "cy", "dee", "eli", "fay", "gus", "hal", "ivy", "jo"];

type Row = { id: string; name: string; score: number };

class DemoError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { iterations: { type: "string", default: "100" }, "interval-ms": { type: "string", default: "3000" }, seed: { type: "string", default: "7" } },
  });
  const iterations = positiveInt("--iterations", values.iterations);
  const intervalMs = positiveInt("--interval-ms", values["interval-ms"]);
  const base = (process.env.DASHWATCH_URL || "http://127.0.0.1:8787").replace(/\/+$/, "");
  const token = process.env.DASHWATCH_TOKEN || (await mintFromDataDir(process.env.DATA_DIR || "./data"));
  const sub = subjectOf(token);

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw new DemoError(`cannot reach the hub at ${base} (is \`npm start\` running?): ${(cause as Error).message}`);
    }
    const text = await res.text();
    const parsed: any = text ? JSON.parse(text) : null;
    if (res.status === 401) throw new DemoError(`the hub refused the token: ${parsed?.detail ?? ""}`);
    return { status: res.status, body: parsed };
  };
  const expectOk = (what: string, r: { status: number; body: any }) => {
    if (r.status >= 300) throw new DemoError(`${what}: ${r.status} ${r.body?.detail ?? ""}`);
    return r.body;
  };

  const existing = await call("GET", `/api/dashboard/${DASHBOARD}`);
  if (existing.status === 404) {
    const created = await call("POST", "/api/dashboard", { id: DASHBOARD, name: "Demo leaderboard", rank_by: "score", top_n: 5, primary_metric_field: "score" });
    if (created.status !== 409) expectOk("creating the dashboard", created);
  } else expectOk("reading the dashboard", existing);

  const { subscriptions } = expectOk("listing subscriptions", await call("GET", `/api/dashboard/${DASHBOARD}/subscriptions`));
  if (!subscriptions.some((s: { subscriber_kind: string; subscriber_id: string }) => s.subscriber_kind === "persona" && s.subscriber_id === sub)) {
    expectOk("subscribing", await call("POST", `/api/dashboard/${DASHBOARD}/subscriptions`, { subscriber_kind: "persona", subscriber_id: sub, threshold_json: RULE }));
  }
  console.log(`demo: posting ${iterations} snapshots to ${DASHBOARD}, one every ${intervalMs} ms (Ctrl-C stops).`);
  console.log(`      open ${base}/ , paste the token, open "${DASHBOARD}" and watch persona "${sub}".`);

  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  const board = createBoard(Number(values.seed));
  for (let k = 1; k <= iterations && !stop.signal.aborted; k++) {
    const rows = board.next();
    const result = expectOk("posting a snapshot", await call("POST", `/api/dashboard/${DASHBOARD}/snapshot`, { rows }));
    const top = rows.slice(0, 3).map((r) => `${r.id} ${r.score}`).join(", ");
    console.log(`#${k} seq ${result.seq_range.from}–${result.seq_range.to} · ${result.alerts.length} alert(s) · top: ${top}`);
    if (k < iterations) await sleep(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  console.log("demo: done");
}

async function mintFromDataDir(dataDir: string): Promise<string> {
  const file = join(dataDir, "jwt-secret");
  const secret = (await readFile(file, "utf8").catch(() => {
    throw new DemoError(`no DASHWATCH_TOKEN and no ${file}: set DASHWATCH_TOKEN, or DATA_DIR to the hub's data directory`);
  })).trim();
  return mintToken(secret, { sub: "demo-admin", roles: ["admin"], expiresIn: "1d" });
}

/** A seeded random walk pulled back toward 100: now and then a surge (value alert) or a newcomer (set alert). */
function createBoard(seed: number): { next(): Row[] } {
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const scores = new Map(PLAYERS.slice(0, 7).map((id, k) => [id, 100 - k * 3]));
  return {
    next() {
      for (const [id, score] of scores) {
        const surge = random() < 0.04 ? 1.3 : 1;
        scores.set(id, Math.max(1, Math.round(score * surge + (100 - score) * 0.08 + (random() - 0.5) * 12)));
      }
      const benched = PLAYERS.filter((id) => !scores.has(id));
      if (random() < 0.08 && benched.length > 0) scores.set(benched[Math.floor(random() * benched.length)]!, 60);
      else if (random() < 0.05 && scores.size > 5) scores.delete([...scores.keys()][Math.floor(random() * scores.size)]!);
      return [...scores].map(([id, score]) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), score })).sort((a, b) => b.score - a.score);
    },
  };
}

function subjectOf(token: string): string {
  let sub: string | undefined;
  try {
    sub = decodeJwt(token).sub;
  } catch {
    throw new DemoError("DASHWATCH_TOKEN is not a JWT");
  }
  if (!sub) throw new DemoError("the token has no sub claim");
  return sub;
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new DemoError(`${flag} must be a whole number ≥ 1`);
  return n;
}

// Exit at once: fetch's idle keep-alive sockets would hold the process a few seconds more.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof DemoError ? `demo: ${error.message}` : error);
    process.exit(1);
  },
);
