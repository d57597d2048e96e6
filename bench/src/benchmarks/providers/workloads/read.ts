/** Read-back: getMulti of readBatch nodes of the sizing set, as eventstore binds nodes, paired with the read baselines. */
import type { WorkloadContext } from "./context.js";
import { meta, type RunPlan, type ScenarioGroup, type ScenarioSpec } from "./scenario.js";

export function readGroup(ctx: WorkloadContext): ScenarioGroup {
  const s = ctx.settings;
  const getMulti: ScenarioSpec = {
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
      readRun(ctx, warmup, "getMulti returned", async (ids) => {
        let found = 0;
        for (const v of (await ctx.store.getMulti(ids)).values()) if (v !== null) found++;
        return found;
      }),
  };
  const baselines = (ctx.instance.baselines?.getMulti ?? []).map(
    (bare): ScenarioSpec => ({
      meta: meta(
        bare.id,
        "read",
        bare.description,
        `baseline: ${bare.description}`,
        `read ${s.readBatch}`,
        s.readConcurrency,
        s.readBatch,
      ),
      hasBytes: true,
      plan: ({ warmup }) => readRun(ctx, warmup, "baseline read found", (ids) => bare.read(ids)),
    }),
  );
  return { scenarios: [getMulti, ...baselines] };
}

/** One read run: batches of readBatch ids, every node must be found. */
function readRun(
  ctx: WorkloadContext,
  warmup: boolean,
  who: string,
  read: (ids: readonly string[]) => Promise<number>,
): RunPlan {
  const s = ctx.settings;
  return {
    concurrency: s.readConcurrency,
    durationMs: warmup ? s.warmupMs : s.runMs,
    maxOps: s.maxOpsPerRun,
    async op(seq) {
      const { ids, bytes } = readBatch(ctx, seq);
      const found = await read(ids);
      if (found !== ids.length) throw new Error(`${who} ${found} of ${ids.length} nodes`);
      return { nodes: ids.length, bytes };
    },
  };
}

/** Call `seq`'s batch: the next readBatch ids of the sizing set, wrapping around. */
function readBatch(ctx: WorkloadContext, seq: number): { ids: string[]; bytes: number } {
  const { readIds, readSizes } = ctx;
  const ids: string[] = [];
  let bytes = 0;
  const start = (seq * ctx.settings.readBatch) % readIds.length;
  for (let j = 0; j < ctx.settings.readBatch; j++) {
    const k = (start + j) % readIds.length;
    ids.push(readIds[k]!);
    bytes += readSizes[k]!;
  }
  return { ids, bytes };
}
