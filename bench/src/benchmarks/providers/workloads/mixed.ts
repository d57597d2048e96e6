/** Mixed: setSubkeys of new nodes with a get of an existing one in between, at the mixed concurrency. */
import type { WorkloadContext } from "./context.js";
import { nodestoreWrite, writeRun } from "./ingest.js";
import { meta, type ScenarioGroup } from "./scenario.js";

export function mixedGroup(ctx: WorkloadContext): ScenarioGroup {
  const { writeShare, concurrency } = ctx.settings.mixed;
  const writes = Math.round(writeShare * 100);
  const reads = Math.round((1 - writeShare) * 100);
  const readEvery = Math.round(1 / (1 - writeShare)); // 10: one get per 9 setSubkeys
  const write = nodestoreWrite(ctx);
  return {
    scenarios: [
      {
        meta: meta(
          `mixed-${writes}w${reads}r-c${concurrency}`,
          "mixed",
          null,
          `mixed: ${writes}% setSubkeys / ${reads}% get, ${concurrency} in flight`,
          "setSubkeys | get",
          concurrency,
          1,
        ),
        hasBytes: true,
        plan: ({ warmup }) => {
          const inner = writeRun(ctx, concurrency, warmup, write);
          return {
            ...inner,
            async op(seq) {
              if (seq % readEvery === readEvery - 1) {
                const k = Math.floor(seq / readEvery) % ctx.readIds.length;
                const got = await ctx.store.get(ctx.readIds[k]!);
                if (got === null) throw new Error(`get(${ctx.readIds[k]}) returned null`);
                return { nodes: 1, bytes: ctx.readSizes[k]! };
              }
              return inner.op(seq);
            },
          };
        },
      },
    ],
  };
}
