import { Bench } from "tinybench";

export type Timing = { medianMs: number; p10Ms: number; p90Ms: number; samples: number };

export type MeasureOptions = {
  time: number;
  iterations: number;
  warmupTime: number;
  warmupIterations: number;
};

export const QUICK: MeasureOptions = { time: 300, iterations: 4, warmupTime: 60, warmupIterations: 2 };
export const FULL: MeasureOptions = { time: 2000, iterations: 20, warmupTime: 500, warmupIterations: 5 };

function quantile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs each function with tinybench (warm-up, then timed iterations) and returns per-iteration latencies. */
export async function measure(
  tasks: Array<[name: string, fn: () => void]>,
  opts: MeasureOptions,
): Promise<Map<string, Timing>> {
  const bench = new Bench({ ...opts, retainSamples: true, throws: true });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  const out = new Map<string, Timing>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== "completed") throw new Error(`benchmark task ${task.name} ended as ${r.state}`);
    const samples = r.latency.samples ?? [];
    out.set(task.name, {
      medianMs: r.latency.p50,
      p10Ms: samples.length ? quantile(samples, 0.1) : r.latency.min,
      p90Ms: samples.length ? quantile(samples, 0.9) : r.latency.max,
      samples: r.latency.samplesCount,
    });
  }
  return out;
}
