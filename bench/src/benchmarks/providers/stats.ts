import type { Distribution, LatencySummary } from "../../report/schema.js";

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..1) of sorted values. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function distribution(values: readonly number[]): Distribution {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const med = median(values);
  return { median: med, min, max, spread: med > 0 ? (max - min) / 2 / med : 0, values: [...values] };
}

export function latencySummary(samples: readonly Float64Array[] | readonly number[][]): LatencySummary {
  let total = 0;
  for (const s of samples) total += s.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const s of samples) {
    all.set(s, at);
    at += s.length;
  }
  all.sort();
  let sum = 0;
  for (const v of all) sum += v;
  return {
    p50: percentileSorted(all, 0.5),
    p95: percentileSorted(all, 0.95),
    p99: percentileSorted(all, 0.99),
    mean: total ? sum / total : Number.NaN,
    max: total ? all[total - 1]! : Number.NaN,
    samples: total,
  };
}

/** A growable list of latency samples (ms) without boxing. */
export class Samples {
  #buf = new Float64Array(1024);
  #n = 0;
  push(v: number): void {
    if (this.#n === this.#buf.length) {
      const next = new Float64Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.#n++] = v;
  }
  get length(): number {
    return this.#n;
  }
  values(): Float64Array {
    return this.#buf.subarray(0, this.#n);
  }
}
