/**
 * deleteMulti of deleteBatch nodes written (untimed) just before each run, in a namespace of its own (a second
 * table or prefix of the same server), so deletes stay independent of what ingest left behind.
 */
import type { NodeStore } from "@nodestore/core";
import type { WorkloadContext } from "./context.js";
import { meta, type ScenarioGroup } from "./scenario.js";

export function deleteGroup(ctx: WorkloadContext): ScenarioGroup {
  const { deleteBatch } = ctx.settings;
  let sentinelWritten = false;
  return {
    scenarios: [
      {
        meta: meta(
          `deleteMulti-${deleteBatch}`,
          "delete",
          null,
          `deleteMulti of ${deleteBatch} nodes written just before, in a namespace of its own`,
          `deleteMulti(${deleteBatch})`,
          1,
          deleteBatch,
        ),
        hasBytes: false,
        plan: ({ warmup }) => {
          // The warm-up only needs the code path: a smaller batch keeps slow servers (s3rver) within budget.
          const batch = warmup ? Math.min(deleteBatch, 100) : deleteBatch;
          let ids: string[] = [];
          let target: NodeStore;
          return {
            concurrency: 1,
            durationMs: 0,
            maxOps: 1,
            async before() {
              const first = !sentinelWritten;
              sentinelWritten = true;
              target = await ctx.scratchStore("delete");
              // One node that is never deleted: a real namespace is not emptied by a batch (and s3rver fails the
              // DeleteObjects that empties a directory once, which would add a retry to the request count).
              if (first && target !== ctx.store) await ctx.topUp(target, 1, `${ctx.runTag}-sentinel`);
              ids = await ctx.topUp(target, batch, ctx.freshTag());
            },
            async op() {
              await target.deleteMulti(ids);
              return { nodes: ids.length, bytes: 0 };
            },
          };
        },
      },
    ],
  };
}
