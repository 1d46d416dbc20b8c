// How the Store port reports an expected failure: a value the caller must look at, never a throw. The
// shape ingest has always answered with; `error` names the kind, other members say more about it.

export interface Failure<Kind extends string = string> {
  ok: false;
  error: Kind;
}

export type Result<T, F extends Failure> = { ok: true; value: T } | F;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const failure = <Kind extends string>(error: Kind): Failure<Kind> => ({ ok: false, error });

export type NotFound = Failure<"not-found">;
