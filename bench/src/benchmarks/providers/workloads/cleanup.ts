/**
 * cleanup(cutoff) of cleanupNodes nodes written (untimed) just before each run, in a namespace of its own:
 * cleanup deletes everything older than the cutoff, so each run must start from nothing.
 */
import type { ProviderInstance } from "../types.js";
import type { WorkloadContext } from "./context.js";
import { meta, type ScenarioGroup } from "./scenario.js";

/** Why this provider's cleanup is not measured; undefined: it is. */
export function cleanupUnsupported(instance: ProviderInstance): string | undefined {
  if (instance.cleanupUnsupported !== undefined) return instance.cleanupUnsupported;
  const { backend } = instance.store;
  return backend.cleanup === undefined
    ? `${backend.name} does not support cleanup (NotSupportedError)`
    : undefined;
}

export function cleanupGroup(ctx: WorkloadContext): ScenarioGroup {
  const { cleanupNodes } = ctx.settings;
  const unsupported = cleanupUnsupported(ctx.instance);
  return {
    // Without a namespace of its own, empty the provider's one first, so each run deletes exactly its nodes.
    before: ctx.instance.scratchStore
      ? undefined
      : async () => {
          const ids = ctx.readIds;
          for (let i = 0; i < ids.length; i += 1000) await ctx.store.deleteMulti(ids.slice(i, i + 1000));
        },
    scenarios: [
      {
        meta: meta(
          "cleanup",
          "cleanup",
          null,
          `cleanup(cutoff) deleting the ${cleanupNodes} nodes of a namespace of its own`,
          "cleanup",
          1,
          cleanupNodes,
        ),
        hasBytes: false,
        ...(unsupported === undefined ? {} : { unsupported }),
        plan: ({ warmup }) => {
          const count = warmup ? Math.min(cleanupNodes, 50) : cleanupNodes;
          return {
            concurrency: 1,
            durationMs: 0,
            maxOps: 1,
            async before() {
              await ctx.topUp(await ctx.scratchStore("cleanup"), count, ctx.freshTag());
            },
            async op() {
              // Object stores date objects to the second: a cutoff 2 s ahead takes in everything just written.
              const r = await (await ctx.scratchStore("cleanup")).cleanup(new Date(Date.now() + 2000));
              if (r.deleted !== count)
                ctx.errors.push(`cleanup deleted ${r.deleted} nodes, expected ${count}`);
              return { nodes: r.deleted, bytes: 0 };
            },
          };
        },
      },
    ],
  };
}
