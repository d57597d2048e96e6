/**
 * The fair comparisons of one provider: each nodestore scenario against its baseline, paired run by run, and the
 * checks that need no baseline run (e.g. requests per deleteMulti).
 */
import type { Comparison, ComparisonTarget, ScenarioResult } from "../../../report/schema.js";
import { distribution } from "../stats.js";
import type { BaselineInfo } from "../types.js";
import type { WorkloadContext } from "./context.js";
import { writeBaselinesFor } from "./ingest.js";

export function comparisons(ctx: WorkloadContext, scenarios: readonly ScenarioResult[]): Comparison[] {
  const { name, instance, settings: s } = ctx;
  const byId = new Map(scenarios.map((sc) => [sc.id, sc]));
  const out: Comparison[] = [];
  for (const bare of instance.baselines?.set ?? []) {
    for (const c of s.ingestConcurrency) {
      if (!writeBaselinesFor(instance, c).includes(bare)) continue;
      const title = `${name} write-heavy set (setSubkeys) vs ${bare.label}, ${c} in flight`;
      out.push(
        paired(ctx, byId, bare, `${bare.comparisonId}-c${c}`, title, `ingest-c${c}`, `${bare.id}-c${c}`),
      );
    }
  }
  for (const bare of instance.baselines?.getMulti ?? []) {
    const title = `${name} getMulti(${s.readBatch}) vs ${bare.label}`;
    out.push(paired(ctx, byId, bare, bare.comparisonId, title, `read-getMulti${s.readBatch}`, bare.id));
  }
  for (const check of instance.checks ?? []) {
    const value = byId.get(check.scenario)?.requestsPerOp ?? null;
    out.push({
      id: check.id,
      issue: check.issue,
      provider: name,
      title: check.title,
      metric: check.metric,
      ours: { scenario: check.scenario, value },
      baseline: { scenario: null, description: check.baselineDescription, value: check.baselineValue },
      ratio: null,
      pairedRatio: null,
      target: check.target,
      met: value === null ? null : meets(value, check.target),
      note: check.note ?? null,
    });
  }
  return out;
}

/** nodes/s of scenario `oursId` over `baseId`'s, run i against run i (they ran back to back). */
function paired(
  ctx: WorkloadContext,
  byId: ReadonlyMap<string, ScenarioResult>,
  bare: BaselineInfo,
  id: string,
  title: string,
  oursId: string,
  baseId: string,
): Comparison {
  const a = byId.get(oursId)?.nodesPerSec;
  const b = byId.get(baseId)?.nodesPerSec;
  const ratios =
    a && b
      ? a.values.slice(0, Math.min(a.values.length, b.values.length)).map((v, i) => v / b.values[i]!)
      : [];
  const pairedRatio = ratios.length > 0 ? distribution(ratios) : null;
  const ratio = pairedRatio ? pairedRatio.median : null;
  return {
    id,
    issue: bare.issue,
    provider: ctx.name,
    title,
    metric: "nodesPerSec",
    ours: { scenario: oursId, value: a ? a.median : null },
    baseline: { scenario: baseId, description: bare.description, value: b ? b.median : null },
    ratio,
    pairedRatio,
    target: bare.target,
    met: bare.target && ratio !== null ? meets(ratio, bare.target) : null,
    note: bare.note ?? null,
  };
}

export function meets(value: number, target: ComparisonTarget): boolean {
  return target.op === ">=" ? value >= target.value : value <= target.value;
}
