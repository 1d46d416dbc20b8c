// One error type for everything the SDK reports; `code` is the stable part, `message` is for people.

export type DashwatchErrorCode =
  // The hub refused the subscription (an `error` frame naming the channel): it is dropped, never retried.
  | "forbidden"
  | "not-found"
  | "bad-request"
  | "limit"
  // The hub kept refusing the token: the client is closed.
  | "unauthorized"
  // An `error` frame that names no channel; the connection stays.
  | "hub-error"
  // The consumer fell behind the configured buffer: held events were let go and are re-read from the log.
  | "overflow"
  // The HTTP replay kept failing: the SDK reconnects and lets the hub replay from `since` instead.
  | "replay-failed"
  // An event listener threw or rejected: that event is not auto-acked.
  | "handler-failed"
  | "storage-failed"
  | "token-failed"
  // No WebSocket implementation: no global one and `ws` could not be imported.
  | "no-websocket";

export class DashwatchError extends Error {
  override readonly name = "DashwatchError";
  readonly code: DashwatchErrorCode;
  /** True when whatever raised it (the subscription or the client) has stopped for good. */
  readonly fatal: boolean;

  constructor(code: DashwatchErrorCode, message: string, options: { fatal?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fatal = options.fatal ?? false;
  }
}
