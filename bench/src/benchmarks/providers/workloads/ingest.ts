/** Write-heavy ingest: setSubkeys of new nodes at each ingest concurrency, each paired with the write baselines. */
import { nodeIdFor } from "../corpus.js";
import type { ProviderInstance, WriteBaseline } from "../types.js";
import type { WorkloadContext } from "./context.js";
import { meta, type RunPlan, type ScenarioGroup } from "./scenario.js";

type Write = (id: string, index: number) => Promise<void>;

export function ingestGroups(ctx: WorkloadContext): ScenarioGroup[] {
  const write = nodestoreWrite(ctx);
  return ctx.settings.ingestConcurrency.map((c) => ({
    scenarios: [
      {
        meta: meta(`ingest-c${c}`, "ingest", null, `write-heavy ingest, ${c} in flight`, "setSubkeys", c, 1),
        hasBytes: true,
        plan: ({ warmup }) => writeRun(ctx, c, warmup, write),
      },
      ...writeBaselinesFor(ctx.instance, c).map((bare) => ({
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
        plan: ({ warmup }: { warmup: boolean }) =>
          writeRun(ctx, c, warmup, (id, index) => bare.write(id, index)),
      })),
    ],
  }));
}

/** One write run: each call writes the next corpus event as a new node; what it wrote is removed after it. */
export function writeRun(ctx: WorkloadContext, concurrency: number, warmup: boolean, write: Write): RunPlan {
  const s = ctx.settings;
  const tag = ctx.freshTag();
  const written: string[] = [];
  return {
    concurrency,
    durationMs: warmup ? s.warmupMs : s.runMs,
    maxOps: s.maxOpsPerRun,
    async op(seq) {
      const id = nodeIdFor(tag, seq);
      const index = seq % ctx.corpus.events.length;
      await write(id, index);
      written.push(id);
      return { nodes: 1, bytes: ctx.corpus.sizes[index]! };
    },
    async after() {
      await ctx.removeWritten(written);
    },
  };
}

/** setSubkeys of corpus event `index`, as Sentry's event manager writes an event. */
export function nodestoreWrite(ctx: WorkloadContext): Write {
  return async (id, index) => {
    const e = ctx.corpus.events[index]!;
    await ctx.store.setSubkeys(id, { main: e.main, subkeys: e.subkeys });
  };
}

/** The write baselines that run at `concurrency` in flight. */
export function writeBaselinesFor(instance: ProviderInstance, concurrency: number): readonly WriteBaseline[] {
  return (instance.baselines?.set ?? []).filter(
    (b) => b.concurrencies === undefined || b.concurrencies.includes(concurrency),
  );
}
