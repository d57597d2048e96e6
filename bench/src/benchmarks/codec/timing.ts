import { type MeasureOptions, measure, type Timing } from "./measure.js";
import type { Operation } from "./operations.js";
import type { PythonSession, PythonTiming } from "./python.js";

export interface Timings {
  /** By `${operation id}/${impl}`. */
  readonly ours: Map<string, Timing>;
  /** By operation id. */
  readonly python: Map<string, PythonTiming>;
  readonly elapsedMs: number;
}

/**
 * Operation by operation: TypeScript (tinybench) and Python back to back, alternating which goes first, so that
 * a change in machine load affects both sides of a ratio alike. Prints a dot per operation.
 */
export async function timeOperations(
  ops: readonly Operation[],
  py: PythonSession | undefined,
  opts: MeasureOptions,
): Promise<Timings> {
  const ours = new Map<string, Timing>();
  const python = new Map<string, PythonTiming>();
  const pyOpts = { minTime: opts.time / 1000, minRounds: opts.iterations, warmup: opts.warmupIterations };
  process.stdout.write(
    `Timing ${ops.length} operations (${opts.time} ms and >= ${opts.iterations} runs per task): `,
  );
  const t0 = performance.now();
  for (const [k, op] of ops.entries()) {
    const timePython = async () => {
      if (py && op.python) python.set(op.id, await py.time(op.python, pyOpts));
    };
    if (k % 2 === 1) await timePython();
    const tasks = Object.entries(op.run).map(
      ([impl, fn]) => [`${op.id}/${impl}`, fn] as [string, () => void],
    );
    for (const [name, t] of await measure(tasks, opts)) ours.set(name, t);
    if (k % 2 === 0) await timePython();
    process.stdout.write(".");
  }
  return { ours, python, elapsedMs: performance.now() - t0 };
}
