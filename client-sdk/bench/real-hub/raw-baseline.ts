// The same log read without the SDK, as the ceiling it works under: the hub's own replay on a bare
// `ws` socket (auth, subscribe since 0, count frames), and the events endpoint paged by hand.
import { WebSocket } from "ws";

export interface RawResult {
  events: number;
  seconds: number;
  events_per_s: number;
}

const result = (events: number, started: number): RawResult => {
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, events_per_s: events / seconds };
};

export async function rawSocketReplay(url: string, token: string, dashboardId: string, count: number): Promise<RawResult> {
  const started = performance.now();
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`);
  let events = 0;
  await new Promise<void>((resolve, reject) => {
    ws.on("open", () => ws.send(JSON.stringify({ op: "auth", token })));
    ws.on("error", reject);
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as { type: string; seq?: number };
      if (frame.type === "welcome") ws.send(JSON.stringify({ op: "subscribe", channel: `dashboard:${dashboardId}`, since: { [dashboardId]: 0 } }));
      else if (frame.type === "gap") reject(new Error("the raw reader got a gap; it does not fill them"));
      else if (frame.type === "event" && ++events === count) resolve();
    });
  });
  ws.close();
  return result(events, started);
}

export async function rawHttpReplay(url: string, token: string, dashboardId: string, count: number): Promise<RawResult> {
  const started = performance.now();
  let events = 0;
  for (let after = 0; after < count; ) {
    const res = await fetch(`${url}/api/dashboard/${dashboardId}/events?after_seq=${after}&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await res.json()) as { events: unknown[]; next_after_seq: number };
    if (page.events.length === 0) throw new Error(`the log ends at ${after}`);
    events += page.events.length;
    after = page.next_after_seq;
  }
  return result(events, started);
}
