// autoAck waits for every consumer of an alert (the listeners as one, and each iterator) to be done with
// it. The hub's ack is cumulative (it covers every alert up to that seq), so acking early would be a lie.

export function ackWhenHandled(consumers: number, ack: () => void): (handled: boolean) => void {
  let remaining = consumers;
  let failed = false;
  return (handled) => {
    if (remaining <= 0) return;
    if (!handled) failed = true;
    remaining -= 1;
    if (remaining === 0 && !failed) ack();
  };
}
