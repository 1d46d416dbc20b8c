// The bench process's memory while the SDK works: a baseline after a full GC, the peak of samples taken
// every `everyMs`, and what is still held after another full GC at the end (while the client is still
// open), which separates what the client keeps from garbage not yet collected. The publisher shares this
// process, so the peak counts its garbage too.
import v8 from "node:v8";
import vm from "node:vm";

export interface MemoryReport {
  baseline_rss_mb: number;
  baseline_heap_mb: number;
  peak_rss_mb: number;
  peak_heap_mb: number;
  rss_delta_mb: number;
  heap_delta_mb: number;
  /** heapUsed after a full GC at the end, minus the baseline. */
  retained_heap_mb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

let gc: (() => void) | undefined;

/** A full collection, without asking whoever runs the bench for --expose-gc. */
function collect(): void {
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
}

export function sampleMemory(everyMs = 100): { stop(): MemoryReport } {
  collect();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const take = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  };
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      collect();
      const retained = process.memoryUsage().heapUsed;
      return {
        baseline_rss_mb: mb(baseline.rss),
        baseline_heap_mb: mb(baseline.heapUsed),
        peak_rss_mb: mb(peakRss),
        peak_heap_mb: mb(peakHeap),
        rss_delta_mb: mb(peakRss - baseline.rss),
        heap_delta_mb: mb(peakHeap - baseline.heapUsed),
        retained_heap_mb: mb(retained - baseline.heapUsed),
      };
    },
  };
}
