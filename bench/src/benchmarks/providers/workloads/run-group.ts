/**
 * Runs one scenario group: warm-up run(s), then timed runs, the group's scenarios interleaved run by run
 * (A B, B A, A B …) so a nodestore scenario and its baseline see the same machine load. Figures are medians over
 * the timed runs; latencies are pooled over them.
 */
import type { RunResult, ScenarioResult } from "../../../report/schema.js";
import type { Progress } from "../progress.js";
import { distribution, latencySummary } from "../stats.js";
import { errorMessage } from "../util.js";
import type { WorkloadContext } from "./context.js";
import { type ScenarioGroup, type ScenarioSpec, timedRun } from "./scenario.js";

interface Collected {
  runs: RunResult[];
  latencies: Float64Array[];
}

export async function runGroup(
  ctx: WorkloadContext,
  group: ScenarioGroup,
  progress: Progress,
): Promise<ScenarioResult[]> {
  const s = ctx.settings;
  const { name, instance } = ctx;
  const requests = () => instance.requests();
  const specs = group.scenarios;
  const ids = specs.map((g) => g.meta.id);
  let ticks = 0;
  const tick = () => {
    ticks++;
    progress.step();
  };
  const runnable = specs.filter((g) => !g.unsupported);
  if (runnable.length > 0) await group.before?.();
  const collected = new Map<ScenarioSpec, Collected>(runnable.map((g) => [g, { runs: [], latencies: [] }]));
  let failure: string | undefined;
  progress.phase(`${name}: ${ids.join(" vs ")}`);
  try {
    for (let w = 0; w < s.warmupRuns; w++) {
      for (const spec of runnable) {
        progress.detail(`${name}: ${spec.meta.id} warm-up`);
        await timedRun(spec.plan({ warmup: true, index: -1 - w }), requests);
        tick();
      }
    }
    for (let i = 0; i < s.runs; i++) {
      const order = i % 2 === 0 ? runnable : [...runnable].reverse();
      for (const spec of order) {
        progress.detail(`${name}: ${spec.meta.id} run ${i + 1}/${s.runs}`);
        const r = await timedRun(spec.plan({ warmup: false, index: i }), requests);
        const c = collected.get(spec)!;
        c.runs.push(r.run);
        c.latencies.push(r.latencies);
        tick();
      }
    }
  } catch (error) {
    failure = errorMessage(error);
    ctx.errors.push(`${ids.join(" / ")}: ${failure}`);
  }
  // Skipped scenarios and a failed group's remaining runs still count, so the bar reaches 100%.
  for (let t = ticks; t < specs.length * (s.warmupRuns + s.runs); t++) progress.step();
  return specs.map((spec) => summarize(spec, collected.get(spec), failure));
}

function summarize(spec: ScenarioSpec, collected: Collected | undefined, failure?: string): ScenarioResult {
  const base = { ...spec.meta, runs: collected?.runs ?? [] };
  const empty = { opsPerSec: null, nodesPerSec: null, mbPerSec: null, latencyMs: null, requestsPerOp: null };
  if (spec.unsupported) return { ...base, ...empty, status: "skipped", reason: spec.unsupported, runs: [] };
  if (failure !== undefined || !collected || collected.runs.length === 0) {
    return { ...base, ...empty, status: "failed", reason: failure ?? "no timed run completed" };
  }
  const runs = collected.runs;
  const perSec = (f: (r: RunResult) => number) => distribution(runs.map((r) => (f(r) * 1000) / r.elapsedMs));
  const totalOps = runs.reduce((a, r) => a + r.ops, 0);
  const countable = runs.every((r) => r.requests !== null);
  return {
    ...base,
    status: "ok",
    reason: null,
    opsPerSec: perSec((r) => r.ops),
    nodesPerSec: perSec((r) => r.nodes),
    mbPerSec: spec.hasBytes ? perSec((r) => r.logicalBytes / 1e6) : null,
    latencyMs: latencySummary(collected.latencies),
    requestsPerOp:
      countable && totalOps > 0 ? runs.reduce((a, r) => a + (r.requests ?? 0), 0) / totalOps : null,
  };
}
