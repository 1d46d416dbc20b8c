// Drives the lifecycle machine over a sequence of outcomes, as ingest does one snapshot at a time.
import { INITIAL_LIFECYCLE_STATE, stepLifecycle, type Lifecycle, type LifecycleEmit, type LifecycleState, type Outcome } from "../../src/core/lifecycle.js";

/** Outcomes taken one second apart unless `times` (ms, non-decreasing) says otherwise. */
export function run(lifecycle: Lifecycle | null, outcomes: readonly Outcome[], times?: readonly number[]) {
  let state: LifecycleState = INITIAL_LIFECYCLE_STATE;
  const emits: LifecycleEmit[] = [];
  const states: LifecycleState[] = [];
  outcomes.forEach((outcome, k) => {
    const step = stepLifecycle(lifecycle, state, outcome, times?.[k] ?? k * 1000);
    state = step.state;
    emits.push(step.emit);
    states.push(state);
  });
  return { state, emits, states };
}
