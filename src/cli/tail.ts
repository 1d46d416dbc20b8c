// `dashwatch tail <channel>`: the channel's events as JSON lines on stdout, resumable from a state file.
// Each event is written, then its position saved, before the SDK hands over the next one.
import { createClient, parseChannel, type HubEvent } from "#client";
import { CommandError, UsageError } from "./cli-error.js";
import { HUB_OPTIONS, hubTarget, parseCommand, positiveInt } from "./common-options.js";
import { say, writeLine, type CliIo } from "./io.js";
import { readState, writeState } from "./state-file.js";

export const TAIL_HELP = `Usage: dashwatch tail dashboard:<id>|persona:<P> [options]

Streams the channel's events to stdout, one JSON object per line ({dashboard_id, seq, kind, at, actor,
data}), in seq order per dashboard. Status, gaps and errors go to stderr. Runs until Ctrl-C / SIGTERM,
or until --count events. Reconnects by itself while the hub is away.

Options:
  --state FILE      keep positions in FILE and resume from them: after a restart with the same FILE,
                    the next event printed is the one after the last event printed before
  --since POS       where to start when FILE holds no position: a seq (dashboard channels) or
                    <dashboard>=<seq>[,<dashboard>=<seq>...]; 0 replays the whole log. Default: from now
  --count N         exit 0 after N events
  --url URL         the hub (default: DASHWATCH_URL, else http://127.0.0.1:8787)
  --token TOKEN     bearer token (default: DASHWATCH_TOKEN)
  -h, --help        this help

Exit: 0 stopped (signal or --count), 1 the hub refused the token or the channel, 2 usage error.
`;

const MAX_COUNT = 1_000_000_000;

export async function tail(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...HUB_OPTIONS, state: { type: "string" }, since: { type: "string" }, count: { type: "string" } });
  if (values.help) {
    io.stdout.write(TAIL_HELP);
    return 0;
  }
  const [channel, ...extra] = positionals;
  if (channel === undefined || extra.length > 0) throw new UsageError("tail takes one channel: dashboard:<id> or persona:<P>");
  const parsed = parseChannel(channel);
  if (!parsed) throw new UsageError(`"${channel}" is neither dashboard:<id> nor persona:<P>`);
  const target = hubTarget(io, values);
  const count = values.count === undefined ? null : positiveInt("--count", values.count, MAX_COUNT);
  const start = values.since === undefined ? {} : parseSince(values.since, parsed.kind === "dashboard" ? parsed.id : null);
  const stored = values.state === undefined ? null : readState(values.state);
  if (stored && stored.channel !== channel) throw new CommandError(`the state file ${values.state} follows ${stored.channel}, not ${channel}`);
  // The state file wins: --since only says where a first run starts.
  const positions: Record<string, number> = { ...start, ...stored?.since };
  return follow(io, { ...target, channel, positions, stateFile: values.state ?? null, count });
}

interface FollowPlan {
  url: string;
  token: string;
  channel: string;
  positions: Record<string, number>;
  stateFile: string | null;
  count: number | null;
}

function follow(io: CliIo, plan: FollowPlan): Promise<number> {
  const client = createClient({ url: plan.url, token: plan.token });
  const since = Object.keys(plan.positions).length > 0 ? { since: { ...plan.positions } } : {};
  const subscription = client.subscribe(plan.channel, since);
  let written = 0;
  let inHand = false;
  let stopping = false;
  let result: ((code: number) => void) | undefined;
  const done = new Promise<number>((resolve) => (result = resolve));
  const finish = (code: number) => {
    if (!result) return;
    const resolve = result;
    result = undefined;
    client.close();
    resolve(code);
  };

  subscription.on("event", async (event: HubEvent) => {
    if (stopping || !result) return;
    inHand = true;
    try {
      await writeLine(io.stdout, JSON.stringify(event));
    } catch {
      // stdout is gone (the reader exited): this event was not delivered, so its position stays.
      return finish(1);
    }
    plan.positions[event.dashboard_id] = event.seq;
    if (plan.stateFile) writeState(plan.stateFile, { channel: plan.channel, since: plan.positions });
    inHand = false;
    written++;
    if (stopping || (plan.count !== null && written >= plan.count)) finish(0);
  });
  subscription.on("gap", (gap) => say(io, `gap: ${JSON.stringify(gap)} (the log no longer holds these events)`));
  subscription.on("error", (error) => {
    say(io, `${error.code}: ${error.message}`);
    if (error.fatal) finish(1);
  });
  client.on("error", (error) => {
    say(io, `${error.code}: ${error.message}`);
    if (error.fatal) finish(1);
  });
  client.on("state", (state) => {
    if (state === "connected") say(io, `connected to ${plan.url}, following ${plan.channel}`);
    if (state === "disconnected") say(io, "disconnected; reconnecting");
  });
  void io.interrupted.then(() => {
    stopping = true;
    // An event being written is finished and saved first; that finish() then ends the command.
    if (!inHand) finish(0);
  });
  return done;
}

/** `12` for a dashboard channel's own dashboard, or `a=12,b=3`. */
export function parseSince(text: string, ownDashboard: string | null): Record<string, number> {
  const seq = (s: string) => {
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new UsageError(`--since: "${s}" is not a seq (a whole number)`);
    return Number(s);
  };
  if (/^\d+$/.test(text)) {
    if (ownDashboard === null) throw new UsageError("--since: a persona channel needs <dashboard>=<seq>[,...]");
    return { [ownDashboard]: seq(text) };
  }
  const out: Record<string, number> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const id = part.slice(0, eq);
    if (eq < 1 || !parseChannel(`dashboard:${id}`)) throw new UsageError(`--since: "${part}" is not <dashboard>=<seq>`);
    out[id] = seq(part.slice(eq + 1));
  }
  return out;
}
