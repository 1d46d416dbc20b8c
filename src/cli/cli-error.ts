// The two ways a command fails, told apart by their exit code: a bad command line (2) or a failure while
// doing what it was asked (1).

export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
}

export class CommandError extends Error {
  override readonly name = "CommandError";
  readonly exitCode = 1;
}
