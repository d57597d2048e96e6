/**
 * What a scenario is, and one timed run of it: a fixed time budget (or a call budget, whichever ends first) with
 * N workers each issuing one call after another.
 */
import type { RunResult, ScenarioResult, Workload } from "../../../report/schema.js";
import { Samples } from "../stats.js";

export interface OpResult {
  nodes: number;
  bytes: number;
}

export interface RunPlan {
  /** Untimed, before the run. */
  before?(): Promise<void>;
  op(seq: number): Promise<OpResult>;
  /** Untimed, after the run. */
  after?(): Promise<void>;
  concurrency: number;
  durationMs: number;
  maxOps: number;
}

export type ScenarioMeta = Pick<
  ScenarioResult,
  "id" | "workload" | "baseline" | "title" | "operation" | "concurrency" | "nodesPerOp"
>;

export interface ScenarioSpec {
  meta: ScenarioMeta;
  hasBytes: boolean;
  /** Set: the scenario is reported as skipped with this reason. */
  unsupported?: string;
  plan(run: { warmup: boolean; index: number }): RunPlan;
}

/** Scenarios timed together, run by run; a group of two is a (nodestore, baseline) pair. */
export interface ScenarioGroup {
  readonly scenarios: readonly ScenarioSpec[];
  /** Untimed, once before the group's first run; not called when no scenario of the group can run. */
  before?(): Promise<void>;
}

export function meta(
  id: string,
  workload: Workload,
  baseline: string | null,
  title: string,
  operation: string,
  concurrency: number,
  nodesPerOp: number,
): ScenarioMeta {
  return { id, workload, baseline, title, operation, concurrency, nodesPerOp };
}

export async function timedRun(
  plan: RunPlan,
  requests: () => number | null,
): Promise<{ run: RunResult; latencies: Float64Array }> {
  await plan.before?.();
  const samples = new Samples();
  let started = 0;
  let ops = 0;
  let nodes = 0;
  let bytes = 0;
  const req0 = requests();
  const t0 = performance.now();
  const deadline = t0 + plan.durationMs;
  const worker = async (): Promise<void> => {
    while (started < plan.maxOps && (started === 0 || performance.now() < deadline)) {
      const seq = started++;
      const s = performance.now();
      const r = await plan.op(seq);
      samples.push(performance.now() - s);
      ops++;
      nodes += r.nodes;
      bytes += r.bytes;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  const req1 = requests();
  await plan.after?.();
  return {
    run: {
      ops,
      nodes,
      logicalBytes: bytes,
      elapsedMs,
      requests: req0 === null || req1 === null ? null : req1 - req0,
    },
    latencies: samples.values().slice(),
  };
}
