// The command line itself: help, and every usage error exits 2 with a message before anything is sent.
// The cases run in-process through the command table; two runs of the real bin check that its exit code
// is the one the table returns.
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "./cli-in-process.js";
import { runCli } from "./cli-process.js";

const HELP_CASES: [string[], string][] = [
  [["tail", "--help"], "Usage: dashwatch tail"],
  [["post", "--help"], "Usage: dashwatch post"],
  [["token", "-h"], "Usage: dashwatch token"],
  [["--help"], "Commands:"],
];

const USAGE_ERRORS: [string[], string][] = [
  [[], "no command given"],
  [["tial"], 'unknown command "tial"'],
  [["tail"], "tail takes one channel"],
  [["tail", "room:1", "--token", "x"], '"room:1" is neither dashboard:<id> nor persona:<P>'],
  [["tail", "dashboard:a", "--token", "x", "--bogus"], "Unknown option '--bogus'"],
  [["tail", "dashboard:a", "--token", "x", "--count", "0"], "--count: must be a whole number from 1"],
  [["tail", "persona:p", "--token", "x", "--since", "4"], "a persona channel needs <dashboard>=<seq>"],
  [["tail", "dashboard:a", "--token", "x", "--since", "a=-1"], '"-1" is not a seq'],
  [["tail", "dashboard:a", "--token", "x", "--url", "ftp://hub"], "--url: must be an http or https URL"],
  [["tail", "dashboard:a"], "no token: pass --token or set DASHWATCH_TOKEN"],
  [["post"], "post takes a dashboard id"],
  [["post", "Bad Id", "f.json", "--token", "x"], "is not a dashboard id"],
  [["post", "d", "a.json", "b.json", "--token", "x"], "at most one file"],
  [["token"], "--sub is required"],
  [["token", "--sub", "a".repeat(257)], "--sub: at most 256 characters"],
  [["token", "--sub", "a\u0001b"], "no control characters"],
  [["token", "--sub", "me", "--roles", "admin,,publisher"], "--roles: a comma-separated list"],
  [["token", "--sub", "me", "--ttl", "31536001"], "--ttl: must be a whole number from 1 to 31536000"],
  [["token", "--sub", "me", "extra"], "token takes no arguments"],
];

describe("dashwatch usage", () => {
  it.each(HELP_CASES)("%j prints its help and exits 0", async (args, text) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(text);
  });

  it.each(USAGE_ERRORS)("%j exits 2 with a message", async (args, message) => {
    const result = await runCliInProcess(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });
});

describe("the dashwatch bin", () => {
  it("exits 0 with the help on stdout", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Commands:");
  });

  it("exits 2 on a usage error, with the message on stderr and nothing on stdout", async () => {
    const result = await runCli(["tail", "dashboard:a"]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("no token: pass --token or set DASHWATCH_TOKEN");
    expect(result.stdout).toBe("");
  });
});
