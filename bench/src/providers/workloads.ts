/**
 * The scenarios, and how one provider is taken through them. Every scenario is: warm-up run(s), then timed runs;
 * a run is a fixed time budget (or a call budget, whichever ends first) with N workers each issuing one call
 * after another. Figures are medians over the timed runs; latencies are pooled over them.
 *
 * A nodestore scenario and its bare-client baseline run as a pair, interleaved run by run (A B, B A, A B …),
 * so both sides see the same machine load.
 */
import type { NodeStore } from "@nodestore/core";
import type {
  Comparison,
  ComparisonTarget,
  RunResult,
  ScenarioResult,
  StorageResult,
  Workload,
} from "../report/schema.js";
import { type BenchCorpus, nodeIdFor } from "./corpus.js";
import type { ResolvedOptions } from "./options.js";
import type { Progress } from "./progress.js";
import { distribution, latencySummary, Samples } from "./stats.js";
import type { ProviderInstance, WriteBaseline } from "./types.js";
import { errorMessage } from "./util.js";

interface OpResult {
  nodes: number;
  bytes: number;
}

interface RunPlan {
  /** Untimed, before the run. */
  before?(): Promise<void>;
  op(seq: number): Promise<OpResult>;
  /** Untimed, after the run. */
  after?(): Promise<void>;
  concurrency: number;
  durationMs: number;
  maxOps: number;
}

type ScenarioMeta = Pick<
  ScenarioResult,
  "id" | "workload" | "baseline" | "title" | "operation" | "concurrency" | "nodesPerOp"
>;

interface ScenarioSpec {
  meta: ScenarioMeta;
  hasBytes: boolean;
  /** Set: the scenario is reported as skipped with this reason. */
  unsupported?: string;
  plan(run: { warmup: boolean; index: number }): RunPlan;
}

interface Collected {
  runs: RunResult[];
  latencies: Float64Array[];
}

async function timedRun(
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

export interface ProviderRunOutput {
  notes: string[];
  storage: StorageResult | null;
  scenarios: ScenarioResult[];
  comparisons: Comparison[];
  errors: string[];
}

/** Scenario groups of one provider; a group of two is a (nodestore, baseline) pair. */
export function stepsFor(instance: ProviderInstance, options: ResolvedOptions): number {
  const s = options.settings;
  const perScenario = s.warmupRuns + s.runs;
  const writeBaselinesAt = (c: number) => writeBaselinesFor(instance, c).length;
  const readPairs = 1 + (instance.baselines?.getMulti?.length ?? 0);
  return (
    1 +
    perScenario *
      (s.ingestConcurrency.reduce((n, c) => n + 1 + writeBaselinesAt(c), 0) + readPairs + 1 + 1 + 1)
  );
}

export async function runProvider(
  name: string,
  instance: ProviderInstance,
  corpus: BenchCorpus,
  options: ResolvedOptions,
  runTag: string,
  progress: Progress,
): Promise<ProviderRunOutput> {
  const s = options.settings;
  const { store } = instance;
  const n = corpus.events.length;
  const errors: string[] = [];
  const requests = () => instance.requests();

  // Sizing set: written once (also warms connections), measured from the store, then read by the read scenarios.
  progress.phase(`${name}: writing ${s.sizingNodes} nodes and measuring bytes stored`);
  const readIds: string[] = [];
  const readSizes: number[] = [];
  let logical = 0;
  for (let k = 0; k < s.sizingNodes; k++) {
    readIds.push(nodeIdFor(`${runTag}-size`, k));
    readSizes.push(corpus.sizes[k % n]!);
    logical += corpus.sizes[k % n]!;
  }
  await inParallel(s.sizingNodes, 8, async (k) => {
    const e = corpus.events[k % n]!;
    await store.setSubkeys(readIds[k]!, { main: e.main, subkeys: e.subkeys });
  });
  let storage: StorageResult | null = null;
  try {
    storage = await instance.measureStorage(readIds, logical);
  } catch (error) {
    errors.push(`storage measurement failed: ${errorMessage(error)}`);
  }
  progress.step();

  // Nodes written by a run are deleted (untimed) after it, so every run sees the same namespace: the sizing set.
  const removeWritten = async (ids: readonly string[]): Promise<void> => {
    if (instance.keepWrites) return;
    for (let i = 0; i < ids.length; i += 1000) await store.deleteMulti(ids.slice(i, i + 1000));
  };
  let runCounter = 0;
  const freshTag = () => `${runTag}-r${runCounter++}`;

  const writeRun = (
    concurrency: number,
    warmup: boolean,
    write: (id: string, index: number) => Promise<void>,
  ): RunPlan => {
    const tag = freshTag();
    const written: string[] = [];
    return {
      concurrency,
      durationMs: warmup ? s.warmupMs : s.runMs,
      maxOps: s.maxOpsPerRun,
      async op(seq) {
        const id = nodeIdFor(tag, seq);
        const index = seq % n;
        await write(id, index);
        written.push(id);
        return { nodes: 1, bytes: corpus.sizes[index]! };
      },
      async after() {
        await removeWritten(written);
      },
    };
  };
  const nodestoreWrite = async (id: string, index: number): Promise<void> => {
    const e = corpus.events[index]!;
    await store.setSubkeys(id, { main: e.main, subkeys: e.subkeys });
  };
  const readBatch = (seq: number): { ids: string[]; bytes: number } => {
    const ids: string[] = [];
    let bytes = 0;
    const start = (seq * s.readBatch) % readIds.length;
    for (let j = 0; j < s.readBatch; j++) {
      const k = (start + j) % readIds.length;
      ids.push(readIds[k]!);
      bytes += readSizes[k]!;
    }
    return { ids, bytes };
  };

  const groups: ScenarioSpec[][] = [];
  for (const c of s.ingestConcurrency) {
    const group: ScenarioSpec[] = [
      {
        meta: meta(`ingest-c${c}`, "ingest", null, `write-heavy ingest, ${c} in flight`, "setSubkeys", c, 1),
        hasBytes: true,
        plan: ({ warmup }) => writeRun(c, warmup, nodestoreWrite),
      },
    ];
    for (const bare of writeBaselinesFor(instance, c)) {
      group.push({
        meta: meta(
          `${bare.id}-c${c}`,
          "ingest",
          bare.description,
          `baseline: ${bare.description}`,
          "write",
          c,
          1,
        ),
        hasBytes: true,
        plan: ({ warmup }) => writeRun(c, warmup, (id, index) => bare.write(id, index)),
      });
    }
    groups.push(group);
  }

  /** One read run: batches of readBatch ids, every node must be found. */
  const readRun = (
    warmup: boolean,
    who: string,
    read: (ids: readonly string[]) => Promise<number>,
  ): RunPlan => ({
    concurrency: s.readConcurrency,
    durationMs: warmup ? s.warmupMs : s.runMs,
    maxOps: s.maxOpsPerRun,
    async op(seq) {
      const { ids, bytes } = readBatch(seq);
      const found = await read(ids);
      if (found !== ids.length) throw new Error(`${who} ${found} of ${ids.length} nodes`);
      return { nodes: ids.length, bytes };
    },
  });

  const readGroup: ScenarioSpec[] = [
    {
      meta: meta(
        `read-getMulti${s.readBatch}`,
        "read",
        null,
        `read-back in batches of ${s.readBatch} (eventstore binding nodes)`,
        `getMulti(${s.readBatch})`,
        s.readConcurrency,
        s.readBatch,
      ),
      hasBytes: true,
      plan: ({ warmup }) =>
        readRun(warmup, "getMulti returned", async (ids) => {
          let found = 0;
          for (const v of (await store.getMulti(ids)).values()) if (v !== null) found++;
          return found;
        }),
    },
  ];
  const readBaselines = instance.baselines?.getMulti ?? [];
  for (const bareRead of readBaselines) {
    readGroup.push({
      meta: meta(
        bareRead.id,
        "read",
        bareRead.description,
        `baseline: ${bareRead.description}`,
        `read ${s.readBatch}`,
        s.readConcurrency,
        s.readBatch,
      ),
      hasBytes: true,
      plan: ({ warmup }) => readRun(warmup, "baseline read found", (ids) => bareRead.read(ids)),
    });
  }
  groups.push(readGroup);

  const mixedC = s.mixed.concurrency;
  const readEvery = Math.round(1 / (1 - s.mixed.writeShare)); // 10: one get per 9 setSubkeys
  groups.push([
    {
      meta: meta(
        `mixed-${Math.round(s.mixed.writeShare * 100)}w${Math.round((1 - s.mixed.writeShare) * 100)}r-c${mixedC}`,
        "mixed",
        null,
        `mixed: ${Math.round(s.mixed.writeShare * 100)}% setSubkeys / ${Math.round((1 - s.mixed.writeShare) * 100)}% get, ${mixedC} in flight`,
        "setSubkeys | get",
        mixedC,
        1,
      ),
      hasBytes: true,
      plan: ({ warmup }) => {
        const inner = writeRun(mixedC, warmup, nodestoreWrite);
        return {
          ...inner,
          async op(seq) {
            if (seq % readEvery === readEvery - 1) {
              const k = Math.floor(seq / readEvery) % readIds.length;
              const got = await store.get(readIds[k]!);
              if (got === null) throw new Error(`get(${readIds[k]}) returned null`);
              return { nodes: 1, bytes: readSizes[k]! };
            }
            return inner.op(seq);
          },
        };
      },
    },
  ]);

  // deleteMulti and cleanup work in namespaces of their own (a second table or prefix of the same server): each
  // run writes its nodes there, untimed, then deletes them. Deletes stay independent of what ingest left behind.
  const scratch = new Map<string, Promise<NodeStore>>();
  const scratchStore = (key: string): Promise<NodeStore> => {
    let got = scratch.get(key);
    if (!got) {
      got = instance.scratchStore ? instance.scratchStore(key) : Promise.resolve(store);
      scratch.set(key, got);
    }
    return got;
  };
  const topUp = async (into: NodeStore, count: number, tag: string): Promise<string[]> => {
    const entries: Array<[string, Uint8Array]> = [];
    for (let k = 0; k < count; k++) entries.push([nodeIdFor(tag, k), corpus.encoded[k % n]!]);
    await into.setBytesMulti(entries);
    return entries.map(([id]) => id);
  };
  groups.push([
    {
      meta: meta(
        `deleteMulti-${s.deleteBatch}`,
        "delete",
        null,
        `deleteMulti of ${s.deleteBatch} nodes written just before, in a namespace of its own`,
        `deleteMulti(${s.deleteBatch})`,
        1,
        s.deleteBatch,
      ),
      hasBytes: false,
      plan: ({ warmup }) => {
        // The warm-up only needs the code path: a smaller batch keeps slow servers (s3rver) within budget.
        const batch = warmup ? Math.min(s.deleteBatch, 100) : s.deleteBatch;
        let ids: string[] = [];
        let target: NodeStore;
        return {
          concurrency: 1,
          durationMs: 0,
          maxOps: 1,
          async before() {
            const first = !scratch.has("delete");
            target = await scratchStore("delete");
            // One node that is never deleted: a real namespace is not emptied by a batch (and s3rver fails the
            // DeleteObjects that empties a directory once, which would add a retry to the request count).
            if (first && target !== store) await topUp(target, 1, `${runTag}-sentinel`);
            ids = await topUp(target, batch, freshTag());
          },
          async op() {
            await target.deleteMulti(ids);
            return { nodes: ids.length, bytes: 0 };
          },
        };
      },
    },
  ]);

  const cleanupSupported = instance.cleanupUnsupported === undefined && store.backend.cleanup !== undefined;
  groups.push([
    {
      meta: meta(
        "cleanup",
        "cleanup",
        null,
        `cleanup(cutoff) deleting the ${s.cleanupNodes} nodes of a namespace of its own`,
        "cleanup",
        1,
        s.cleanupNodes,
      ),
      hasBytes: false,
      ...(cleanupSupported
        ? {}
        : {
            unsupported:
              instance.cleanupUnsupported ??
              `${store.backend.name} does not support cleanup (NotSupportedError)`,
          }),
      plan: ({ warmup }) => {
        const count = warmup ? Math.min(s.cleanupNodes, 50) : s.cleanupNodes;
        return {
          concurrency: 1,
          durationMs: 0,
          maxOps: 1,
          async before() {
            await topUp(await scratchStore("cleanup"), count, freshTag());
          },
          async op() {
            // Object stores date objects to the second: a cutoff 2 s ahead takes in everything just written.
            const r = await (await scratchStore("cleanup")).cleanup(new Date(Date.now() + 2000));
            if (r.deleted !== count) errors.push(`cleanup deleted ${r.deleted} nodes, expected ${count}`);
            return { nodes: r.deleted, bytes: 0 };
          },
        };
      },
    },
  ]);

  const scenarios: ScenarioResult[] = [];
  const byId = new Map<string, ScenarioResult>();
  for (const group of groups) {
    let ticks = 0;
    const tick = () => {
      ticks++;
      progress.step();
    };
    const runnable = group.filter((g) => !g.unsupported);
    if (group[0]!.meta.workload === "cleanup" && runnable.length > 0 && !instance.scratchStore) {
      // cleanup takes everything older than the cutoff: without a namespace of its own, empty this one first,
      // so each run deletes exactly the nodes written before it.
      for (let i = 0; i < readIds.length; i += 1000) await store.deleteMulti(readIds.slice(i, i + 1000));
    }
    const collected = new Map<ScenarioSpec, Collected>(runnable.map((g) => [g, { runs: [], latencies: [] }]));
    let failure: string | undefined;
    progress.phase(`${name}: ${group.map((g) => g.meta.id).join(" vs ")}`);
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
      errors.push(`${group.map((g) => g.meta.id).join(" / ")}: ${failure}`);
    }
    // Skipped scenarios and a failed group's remaining runs still count, so the bar reaches 100%.
    for (let t = ticks; t < group.length * (s.warmupRuns + s.runs); t++) progress.step();
    for (const spec of group) {
      const result = summarize(spec, collected.get(spec), failure);
      scenarios.push(result);
      byId.set(result.id, result);
    }
  }

  // Fair comparisons: nodestore vs its baseline, paired run by run.
  const comparisons: Comparison[] = [];
  const pair = (
    issue: number,
    id: string,
    title: string,
    oursId: string,
    baseId: string,
    description: string,
    target: ComparisonTarget | null,
    note: string | undefined,
  ): void => {
    const ours = byId.get(oursId);
    const base = byId.get(baseId);
    const a = ours?.nodesPerSec;
    const b = base?.nodesPerSec;
    const paired =
      a && b
        ? a.values.slice(0, Math.min(a.values.length, b.values.length)).map((v, i) => v / b.values[i]!)
        : [];
    const pairedRatio = paired.length > 0 ? distribution(paired) : null;
    const ratio = pairedRatio ? pairedRatio.median : null;
    comparisons.push({
      id,
      issue,
      provider: name,
      title,
      metric: "nodesPerSec",
      ours: { scenario: oursId, value: a ? a.median : null },
      baseline: { scenario: baseId, description, value: b ? b.median : null },
      ratio,
      pairedRatio,
      target,
      met: target && ratio !== null ? meets(ratio, target) : null,
      note: note ?? null,
    });
  };
  for (const bareSet of instance.baselines?.set ?? []) {
    for (const c of s.ingestConcurrency) {
      if (!writeBaselinesFor(instance, c).includes(bareSet)) continue;
      pair(
        bareSet.issue,
        `${bareSet.comparisonId}-c${c}`,
        `${name} write-heavy set (setSubkeys) vs ${bareSet.label}, ${c} in flight`,
        `ingest-c${c}`,
        `${bareSet.id}-c${c}`,
        bareSet.description,
        bareSet.target,
        bareSet.note,
      );
    }
  }
  for (const bareRead of readBaselines) {
    pair(
      bareRead.issue,
      bareRead.comparisonId,
      `${name} getMulti(${s.readBatch}) vs ${bareRead.label}`,
      `read-getMulti${s.readBatch}`,
      bareRead.id,
      bareRead.description,
      bareRead.target,
      bareRead.note,
    );
  }
  for (const check of instance.checks ?? []) {
    const sc = byId.get(check.scenario);
    const value = sc?.requestsPerOp ?? null;
    comparisons.push({
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
  const notes: string[] = [...(instance.notes ?? [])];
  if (instance.cleanupNote && cleanupSupported) notes.push(`cleanup: ${instance.cleanupNote}`);
  for (const sc of scenarios) if (sc.status === "skipped") notes.push(`${sc.id} skipped: ${sc.reason}`);
  return { notes, storage, scenarios, comparisons, errors };
}

function meta(
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

export function meets(value: number, target: ComparisonTarget): boolean {
  return target.op === ">=" ? value >= target.value : value <= target.value;
}

async function inParallel(
  count: number,
  concurrency: number,
  fn: (k: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** The write baselines that run at `concurrency` in flight. */
function writeBaselinesFor(instance: ProviderInstance, concurrency: number): readonly WriteBaseline[] {
  return (instance.baselines?.set ?? []).filter(
    (b) => b.concurrencies === undefined || b.concurrencies.includes(concurrency),
  );
}
