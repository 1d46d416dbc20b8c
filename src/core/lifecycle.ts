// The alert lifecycle of one subscription as a pure state machine (CONTRACT "Rules, version 2", `lifecycle`).
// Live ingest and backtest both step it, so what a backtest shows is what ingest would have appended.
import { checkNumber, isObject, refuseOthers, type NumberSpec } from "./rule-checks.js";
import type { RuleIssue } from "./types.js";

export interface Lifecycle {
  for_snapshots: number;
  resolve: boolean;
  resolve_after_snapshots: number;
  cooldown_ms: number;
}

/** CONTRACT: k and j are integers 1..100. */
export const MAX_LIFECYCLE_SNAPSHOTS = 100;

export const DEFAULT_LIFECYCLE: Lifecycle = { for_snapshots: 1, resolve: false, resolve_after_snapshots: 1, cooldown_ms: 0 };

export type LifecycleValidation = { ok: true; lifecycle: Lifecycle | null } | { ok: false; issues: RuleIssue[] };

const SNAPSHOTS: NumberSpec = {
  ok: (n) => Number.isInteger(n) && n >= 1 && n <= MAX_LIFECYCLE_SNAPSHOTS,
  want: `an integer from 1 to ${MAX_LIFECYCLE_SNAPSHOTS}`,
};
const MILLISECONDS: NumberSpec = { ok: (n) => Number.isSafeInteger(n) && n >= 0, want: "an integer ≥ 0 (milliseconds)" };
const MEMBERS = ["for_snapshots", "resolve", "resolve_after_snapshots", "cooldown_ms"];

/** Absent or `null`: no lifecycle (every match alerts, as in version 1). `{}` takes every default. */
export function validateLifecycle(input: unknown, pointer: string): LifecycleValidation {
  if (input === undefined || input === null) return { ok: true, lifecycle: null };
  if (!isObject(input)) {
    return { ok: false, issues: [{ pointer, detail: "must be an object {for_snapshots?, resolve?, resolve_after_snapshots?, cooldown_ms?} or null" }] };
  }
  const walk = { issues: [] as RuleIssue[] };
  refuseOthers(walk, input, MEMBERS, pointer, "a lifecycle");
  const number = (key: keyof Lifecycle, spec: NumberSpec) =>
    input[key] === undefined ? (DEFAULT_LIFECYCLE[key] as number) : checkNumber(walk, `${pointer}/${key}`, input[key], spec);
  const resolve = input.resolve ?? false;
  if (typeof resolve !== "boolean") walk.issues.push({ pointer: `${pointer}/resolve`, detail: "must be true or false" });
  const lifecycle: Lifecycle = {
    for_snapshots: number("for_snapshots", SNAPSHOTS),
    resolve: resolve === true,
    resolve_after_snapshots: number("resolve_after_snapshots", SNAPSHOTS),
    cooldown_ms: number("cooldown_ms", MILLISECONDS),
  };
  return walk.issues.length === 0 ? { ok: true, lifecycle } : { ok: false, issues: walk.issues };
}

export interface LifecycleState {
  state: "ok" | "firing";
  /** Consecutive holds so far. */
  holds: number;
  /** Consecutive fails so far (while firing). */
  fails: number;
  /** `alert.matched` suppressed by the cooldown since the last appended one. */
  suppressed: number;
  /** taken_at (ms since the epoch) of the last appended `alert.matched`. */
  last_matched_at: number | null;
  /** seq of the `alert.matched` that made the state firing (the store sets it once it has appended it). */
  fired_seq: number | null;
}

export const INITIAL_LIFECYCLE_STATE: LifecycleState = Object.freeze({
  state: "ok",
  holds: 0,
  fails: 0,
  suppressed: 0,
  last_matched_at: null,
  fired_seq: null,
});

/** hold: the rule matched a changed snapshot; fail: it did not; none: unchanged, or no baseline snapshot. */
export type Outcome = "hold" | "fail" | "none";

export type LifecycleEmit = null | { kind: "matched"; suppressed: number } | { kind: "resolved"; fired_seq: number | null };

export interface LifecycleStep {
  state: LifecycleState;
  emit: LifecycleEmit;
}

/**
 * A match `cooldown_ms` would suppress: within c ms (by taken_at) of the last appended one. "Within" is
 * strict, so a match exactly c ms later is appended; c 0 suppresses nothing.
 */
function cooledDown(lifecycle: Lifecycle, state: LifecycleState, takenAtMs: number): boolean {
  return state.last_matched_at !== null && takenAtMs - state.last_matched_at < lifecycle.cooldown_ms;
}

/**
 * The k-th consecutive hold: append `alert.matched` unless the cooldown suppresses it. Either way the hold
 * count starts again from 0, so after a suppressed match the next one needs k fresh holds, as after an
 * appended one (a suppressed firing is a firing that was not told, not one still pending).
 */
function match(lifecycle: Lifecycle, state: LifecycleState, takenAtMs: number): LifecycleStep {
  if (cooledDown(lifecycle, state, takenAtMs)) {
    return { state: { ...state, holds: 0, suppressed: state.suppressed + 1 }, emit: null };
  }
  const emit = { kind: "matched" as const, suppressed: state.suppressed };
  const matched = { ...state, holds: 0, fails: 0, suppressed: 0, last_matched_at: takenAtMs };
  return { state: lifecycle.resolve ? { ...matched, state: "firing", fired_seq: null } : matched, emit };
}

/**
 * One snapshot's effect on a subscription. Without a lifecycle (version 1) every hold emits `matched` and
 * the state is never touched. "none" returns the very same state. Without `resolve` the state stays `ok`
 * whatever it held (a PATCH resets it anyway).
 */
export function stepLifecycle(lifecycle: Lifecycle | null, state: LifecycleState, outcome: Outcome, takenAtMs: number): LifecycleStep {
  if (outcome === "none") return { state, emit: null };
  if (lifecycle === null) return { state, emit: outcome === "hold" ? { kind: "matched", suppressed: 0 } : null };
  if (lifecycle.resolve && state.state === "firing") {
    if (outcome === "hold") return { state: state.fails === 0 ? state : { ...state, fails: 0 }, emit: null };
    const fails = state.fails + 1;
    if (fails < lifecycle.resolve_after_snapshots) return { state: { ...state, fails }, emit: null };
    return { state: { ...state, state: "ok", holds: 0, fails: 0, fired_seq: null }, emit: { kind: "resolved", fired_seq: state.fired_seq } };
  }
  const ok: LifecycleState = state.state === "ok" && state.fails === 0 ? state : { ...state, state: "ok", fails: 0 };
  if (outcome === "fail") return { state: ok.holds === 0 ? ok : { ...ok, holds: 0 }, emit: null };
  const holds = ok.holds + 1;
  if (holds < lifecycle.for_snapshots) return { state: { ...ok, holds }, emit: null };
  return match(lifecycle, ok, takenAtMs);
}
