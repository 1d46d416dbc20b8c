// What a publish rejects with while the broker cannot carry messages. Expected, not a bug: the event is in
// the log already, and the hub recovers it when the broker is up again.
export class BrokerDownError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`broker down: ${detail}`, options);
    this.name = "BrokerDownError";
  }
}
