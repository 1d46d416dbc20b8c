// The bench process's memory while the SDK works: a baseline, then the peak of samples taken every
// `everyMs`. The publisher and the client share this process, so the peak counts both; the baseline
// is taken after they are set up, so the delta is what consuming added.

export interface MemoryReport {
  baseline_rss_mb: number;
  baseline_heap_mb: number;
  peak_rss_mb: number;
  peak_heap_mb: number;
  rss_delta_mb: number;
  heap_delta_mb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export function sampleMemory(everyMs = 100): { stop(): MemoryReport } {
  (globalThis as { gc?: () => void }).gc?.();
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
      return {
        baseline_rss_mb: mb(baseline.rss),
        baseline_heap_mb: mb(baseline.heapUsed),
        peak_rss_mb: mb(peakRss),
        peak_heap_mb: mb(peakHeap),
        rss_delta_mb: mb(peakRss - baseline.rss),
        heap_delta_mb: mb(peakHeap - baseline.heapUsed),
      };
    },
  };
}
