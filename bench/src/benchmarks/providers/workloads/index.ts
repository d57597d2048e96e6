/**
 * How one provider is taken through the workloads: the sizing set (bytes stored), then the scenario groups in
 * report order (ingest at each concurrency, read-back, mixed, delete, cleanup), then the comparisons. Each
 * workload is a file here returning its scenario group(s); run-group.ts times them all the same way.
 */
import type { Comparison, ScenarioResult, StorageResult } from "../../../report/schema.js";
import type { BenchCorpus } from "../corpus.js";
import type { ResolvedOptions } from "../options.js";
import type { Progress } from "../progress.js";
import type { ProviderInstance } from "../types.js";
import { cleanupGroup, cleanupUnsupported } from "./cleanup.js";
import { comparisons } from "./comparisons.js";
import { workloadContext } from "./context.js";
import { deleteGroup } from "./delete.js";
import { ingestGroups, writeBaselinesFor } from "./ingest.js";
import { mixedGroup } from "./mixed.js";
import { readGroup } from "./read.js";
import { runGroup } from "./run-group.js";
import { writeAndMeasureSizingSet } from "./sizing.js";

export interface ProviderRunOutput {
  notes: string[];
  storage: StorageResult | null;
  scenarios: ScenarioResult[];
  comparisons: Comparison[];
  errors: string[];
}

/** Progress steps of one provider: the sizing set, then every run (warm-up or timed) of every scenario. */
export function stepsFor(instance: ProviderInstance, options: ResolvedOptions): number {
  const s = options.settings;
  const perScenario = s.warmupRuns + s.runs;
  const ingest = s.ingestConcurrency.reduce((n, c) => n + 1 + writeBaselinesFor(instance, c).length, 0);
  const read = 1 + (instance.baselines?.getMulti?.length ?? 0);
  const mixedDeleteCleanup = 3;
  return 1 + perScenario * (ingest + read + mixedDeleteCleanup);
}

export async function runProvider(
  name: string,
  instance: ProviderInstance,
  corpus: BenchCorpus,
  options: ResolvedOptions,
  runTag: string,
  progress: Progress,
): Promise<ProviderRunOutput> {
  const { settings } = options;
  const errors: string[] = [];
  progress.phase(`${name}: writing ${settings.sizingNodes} nodes and measuring bytes stored`);
  const sizing = await writeAndMeasureSizingSet(instance, corpus, settings, runTag, errors);
  progress.step();

  const { readIds, readSizes } = sizing;
  const ctx = workloadContext({ name, instance, corpus, settings, runTag, readIds, readSizes, errors });
  const groups = [...ingestGroups(ctx), readGroup(ctx), mixedGroup(ctx), deleteGroup(ctx), cleanupGroup(ctx)];
  const scenarios: ScenarioResult[] = [];
  for (const group of groups) scenarios.push(...(await runGroup(ctx, group, progress)));

  const notes: string[] = [...(instance.notes ?? [])];
  if (instance.cleanupNote && cleanupUnsupported(instance) === undefined) {
    notes.push(`cleanup: ${instance.cleanupNote}`);
  }
  for (const sc of scenarios) if (sc.status === "skipped") notes.push(`${sc.id} skipped: ${sc.reason}`);
  return { notes, storage: sizing.storage, scenarios, comparisons: comparisons(ctx, scenarios), errors };
}
