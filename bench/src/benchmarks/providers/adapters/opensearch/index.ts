/**
 * sentry-opensearch-nodestore's format (@nodestore/opensearch): daily indices behind an alias, in a namespace of
 * the bench's own (index `<ns>-{date}`, alias and template `<ns>`, 1 shard, 0 replicas) removed at the end. Two
 * variants: `opensearch` on the cluster target.ts picks, and `opensearch-rtt` on the same cluster through a proxy
 * adding a round trip, as s3-rtt.
 *
 *   target.ts         which cluster, and the opensearch-rtt proxy
 *   instance.ts       the ProviderInstance: store, request counter, bytes stored (_stats), scratch namespaces
 *   baselines.ts      issue #13's bare `index` loop and the Python plugin's get_multi / set_subkeys
 *   python-plugin.ts  the real plugin in a Python process (bench/python/opensearch_plugin.py)
 */
import type { ProviderFactory } from "../../types.js";
import { errorMessage } from "../../util.js";
import { openSearchInstance } from "./instance.js";
import { openSearchTarget } from "./target.js";

export const openSearchProvider: ProviderFactory = variant("opensearch", false);

/** The same cluster a round trip away (--s3-rtt ms, default 10): the plugin and the bare loop go through it too. */
export const openSearchRttProvider: ProviderFactory = variant("opensearch-rtt", true);

function variant(name: string, rtt: boolean): ProviderFactory {
  return {
    name,
    packageName: "@nodestore/opensearch",
    async setup(ctx) {
      let mod: typeof import("@nodestore/opensearch");
      try {
        mod = await import("@nodestore/opensearch");
      } catch (error) {
        return { skip: `package not built (${errorMessage(error)}): run \`pnpm build\`` };
      }
      const target = await openSearchTarget(ctx, rtt);
      if ("skip" in target) return target;
      try {
        return await openSearchInstance(ctx, { name, mod, target, namespace: namespaceOf(ctx.runTag, rtt) });
      } catch (error) {
        await target.proxy?.remove().catch(() => {});
        throw error;
      }
    },
  };
}

/** Index names are lowercase; no "-" inside, so the plugin's cleanup parse would read our dates. */
function namespaceOf(runTag: string, rtt: boolean): string {
  return `nsbench${runTag.toLowerCase().replace(/[^a-z0-9]/g, "")}${rtt ? "rtt" : ""}`;
}
