// POST /api/dashboard/:id/backtest: a rule replayed over the stored history, writing nothing.
import { Hono } from "hono";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath } from "../middleware.js";
import { validationProblem } from "../problem.js";
import { validateRuleMembers } from "../rule-members.js";
import { backtestSchema } from "../schemas.js";
import { parseOrThrow } from "../validate.js";

/** Snapshots one backtest may judge: its time is bounded by this, its memory by pages and a cache. */
export const MAX_BACKTEST_SNAPSHOTS = 10_000;

export function backtestRoutes({ store }: ApiDeps) {
  // Any valid token may read a dashboard, so any may backtest it.
  return new Hono<Env>().post("/:id/backtest", dashboardFromPath(store), async (c) => {
    const dashboard = c.get("dashboard");
    const body = parseOrThrow(backtestSchema, (await readJson(c)).value);
    const members = validateRuleMembers(body, dashboard.top_n);
    const from = body.from === undefined ? undefined : new Date(body.from);
    const to = body.to === undefined ? undefined : new Date(body.to);
    if (from && to && from >= to) throw validationProblem([{ pointer: "/to", detail: "must be later than from" }]);
    const result = await store.backtest(dashboard.id, {
      rule: members.rule!,
      baseline: members.baseline ?? "previous",
      lifecycle: members.lifecycle ?? null,
      from,
      to,
      maxSnapshots: MAX_BACKTEST_SNAPSHOTS,
    });
    if (!result.ok) {
      throw validationProblem([{ pointer: "/to", detail: `the range holds more than ${MAX_BACKTEST_SNAPSHOTS} snapshots; narrow it with from and to` }]);
    }
    return c.json(result.value, 200);
  });
}
