// Prints the top self-time entries of a V8 .cpuprofile (from `node --cpu-prof`, see BENCH_CPU_PROF).
// Usage: npx tsx bench/fanout/profile-top.ts <file.cpuprofile> [count]
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
}

const [file, count = "25"] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-top.ts <file.cpuprofile> [count]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const totalHits = profile.samples.length;
const msPerHit = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalHits);
const self = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|src|bench)\//, "$1/")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0));
}
const idle = [...self].filter(([k]) => k.startsWith("(idle)")).reduce((n, [, v]) => n + v, 0);
console.log(`${file}: ${(totalHits * msPerHit).toFixed(0)} ms sampled, ${((totalHits - idle) * msPerHit).toFixed(0)} ms busy`);
for (const [key, hits] of [...self].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((hits / Math.max(1, totalHits - idle)) * 100).toFixed(1).padStart(5)}%  ${(hits * msPerHit).toFixed(0).padStart(6)} ms  ${key}`);
}
