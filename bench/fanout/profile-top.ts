// Prints the top self-time entries of a V8 .cpuprofile (from `node --cpu-prof`, see BENCH_CPU_PROF).
// A window in seconds from the profile's start (FROM-TO) keeps only the samples taken in it: the
// saturation phase apart from connecting and the fixed phase. "timeline" prints busy ms per second
// instead, to find the phases.
// Usage: npx tsx bench/fanout/profile-top.ts <file.cpuprofile> [count] [FROM-TO | timeline]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, count = "25", window] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-top.ts <file.cpuprofile> [count] [FROM-TO | timeline]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const keyOf = new Map<number, string>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|src|bench)\//, "$1/")}:${lineNumber + 1}` : "";
  keyOf.set(node.id, `${functionName || "(anonymous)"} ${where}`.trim());
}
const isIdle = (key: string) => key.startsWith("(idle)");

// Each sample's time, µs since the profile's start; its weight is the gap to the next sample.
const at: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) at.push((t += d));

if (window === "timeline") {
  const busy = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const weight = (at[i + 1] ?? at[i]!) - at[i]!;
    if (!isIdle(keyOf.get(id)!)) busy.set(Math.floor(at[i]! / 1e6), (busy.get(Math.floor(at[i]! / 1e6)) ?? 0) + weight / 1000);
  });
  for (const [s, ms] of [...busy].sort((a, b) => a[0] - b[0])) console.log(`${String(s).padStart(4)} s  ${ms.toFixed(0).padStart(5)} ms busy`);
  process.exit(0);
}

const [from, to] = window ? window.split("-").map((s) => Number(s) * 1e6) : [0, Infinity];
const self = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  if (at[i]! < from! || at[i]! >= to!) return;
  const weight = ((at[i + 1] ?? at[i]!) - at[i]!) / 1000;
  const key = keyOf.get(id)!;
  total += weight;
  if (isIdle(key)) idle += weight;
  else self.set(key, (self.get(key) ?? 0) + weight);
});
console.log(`${file}${window ? ` [${window} s]` : ""}: ${total.toFixed(0)} ms sampled, ${(total - idle).toFixed(0)} ms busy`);
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((ms / Math.max(1, total - idle)) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}
