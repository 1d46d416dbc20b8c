// `dashwatch tail` against a real hub process: events as JSON lines, and a state file that carries a
// stopped tail over to the next one with nothing printed twice and nothing left out. The runs that end on
// a signal are real processes; the refusals run in-process.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { call, readLog } from "../sdk/helpers/hub-api.js";
import { useRealHub } from "../sdk/helpers/real-hub-context.js";
import { runCliInProcess } from "./cli-in-process.js";
import { startCli, type CliRun } from "./cli-process.js";

const t = useRealHub();
const dir = mkdtempSync(join(tmpdir(), "dashwatch-tail-"));

type Line = { dashboard_id: string; seq: number; kind: string };
const seqs = (run: CliRun) => (run.lines() as Line[]).map((e) => e.seq);

async function post(id: string, i: number): Promise<void> {
  const res = await call(t.node.url, "POST", `/api/dashboard/${id}/snapshot`, t.admin, { rows: [{ id: "a", v: i }], primary_metric: i + 1 });
  if (res.status !== 201) throw new Error(`post ${i}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A promise the test opens by hand (Promise.withResolvers is not in Node 20). */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tail = (args: string[], token = t.admin) => startCli(["tail", ...args, "--url", t.node.url], { DASHWATCH_TOKEN: token });
const tailInProcess = (args: string[], token = t.admin) => runCliInProcess(["tail", ...args, "--url", t.node.url], { DASHWATCH_TOKEN: token });

describe("dashwatch tail", () => {
  it("prints a dashboard's events as JSON lines, in seq order, from --since", async () => {
    const id = await t.dashboard("tail-lines");
    for (let i = 0; i < 3; i++) await post(id, i);
    const run = tail([`dashboard:${id}`, "--since", "0", "--count", "3"]);
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    const log = await readLog(t.node.url, t.admin, id);
    expect(run.lines()).toEqual(log.slice(0, 3));
  });

  it("resumes from its state file after a SIGTERM mid-stream: every seq once, in order", async () => {
    const id = await t.dashboard("tail-resume", { alertsFor: "alice" });
    const state = join(dir, `${id}.json`);
    const first = tail([`dashboard:${id}`, "--since", "0", "--state", state]);
    let posted = 0;
    // Posting goes on while the first tail runs, is stopped, and the second starts. The second half waits
    // for the first tail to be gone: the CLI takes longer to start than 30 posts take to commit, and it
    // prints a replay burst faster than a SIGTERM sent after its 5th line lands, so without the gate the
    // first tail can print the whole log and leave the second nothing to show (and nothing to prove).
    const firstGone = gate();
    const publisher = (async () => {
      for (; posted < 30; posted++) {
        if (posted === 15) await firstGone.opened;
        await post(id, posted);
      }
    })();
    await first.until((r) => r.lines().length >= 5, "the first tail has printed 5 events");
    first.child.kill("SIGTERM");
    const stopped = await first.exited;
    firstGone.open();
    expect(stopped.code, stopped.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(state, "utf8")) as { channel: string; since: Record<string, number> };
    expect(saved).toEqual({ channel: `dashboard:${id}`, since: { [id]: seqs(first).at(-1) } });

    const second = tail([`dashboard:${id}`, "--since", "0", "--state", state]);
    await publisher;
    const log = await readLog(t.node.url, t.admin, id);
    await second.until((r) => seqs(r).at(-1) === log.at(-1)!.seq, `the second tail reaches seq ${log.at(-1)!.seq}`);
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);

    expect(posted).toBe(30);
    expect(seqs(second)[0], "the second tail starts right after the first").toBe(seqs(first).at(-1)! + 1);
    expect([...first.lines(), ...second.lines()]).toEqual(log);
  }, 60_000);

  it("after a SIGKILL, resumes with nothing lost: at most the last line printed comes again", async () => {
    const id = await t.dashboard("tail-kill");
    const state = join(dir, `${id}.json`);
    const first = tail([`dashboard:${id}`, "--since", "0", "--state", state]);
    // As above: the second half is posted once the first tail is gone, so the second one has events to show.
    const firstGone = gate();
    const publisher = (async () => {
      for (let i = 0; i < 20; i++) {
        if (i === 10) await firstGone.opened;
        await post(id, i);
      }
    })();
    await first.until((r) => r.lines().length >= 4, "the first tail has printed 4 events");
    first.child.kill("SIGKILL");
    await first.exited;
    firstGone.open();
    await publisher;
    const log = await readLog(t.node.url, t.admin, id);
    const second = tail([`dashboard:${id}`, "--state", state]);
    await second.until((r) => seqs(r).at(-1) === log.at(-1)!.seq, `the second tail reaches seq ${log.at(-1)!.seq}`);
    second.child.kill("SIGTERM");
    await second.exited;
    const last = seqs(first).at(-1)!;
    expect([last, last + 1], "the second run starts at the last line printed or right after it").toContain(seqs(second)[0]);
    const all = [...first.lines(), ...second.lines()] as Line[];
    expect([...new Map(all.map((e) => [e.seq, e])).values()]).toEqual(log);
  }, 60_000);

  it("follows a persona's alerts across dashboards from --since <dashboard>=<seq>", async () => {
    const id = await t.dashboard("tail-persona", { alertsFor: "bob" });
    for (let i = 0; i < 3; i++) await post(id, i);
    const bob = await mintToken(TEST_SECRET, { sub: "bob" });
    const run = tail(["persona:bob", "--since", `${id}=0`, "--count", "2"], bob);
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(run.lines()).toEqual(await readLog(t.node.url, t.admin, id, "bob"));
    expect((run.lines() as Line[]).map((e) => e.kind)).toEqual(["alert.matched", "alert.matched"]);
  });

  it("exits 1 when the hub refuses the channel or the token", async () => {
    const missing = await tailInProcess(["dashboard:no-such-dashboard", "--since", "0"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("not-found");
    const refused = await tailInProcess(["dashboard:whatever"], "not-a-token");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("unauthorized");
  });

  it("refuses a state file of another channel, or one that is not a state, with exit 1", async () => {
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ channel: "dashboard:else", since: { else: 3 } }));
    const wrong = await tailInProcess(["dashboard:mine", "--state", other]);
    expect(wrong).toMatchObject({ code: 1, stdout: "" });
    expect(wrong.stderr).toContain("follows dashboard:else, not dashboard:mine");
    const junk = join(dir, "junk.json");
    writeFileSync(junk, "{not json");
    const bad = await tailInProcess(["dashboard:mine", "--state", junk]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("is not JSON");
  });
});
