import { NodeStore } from "@nodestore/core";
import type { OpenSearchBackend, OpenSearchBackendOptions } from "@nodestore/opensearch";
import type { CheckSpec, ProviderInstance, SetupContext } from "../../types.js";
import { storageResult } from "../../util.js";
import { openSearchBaselines, startPythonPlugin } from "./baselines.js";
import type { OpenSearchTarget } from "./target.js";

const DAY = 24 * 3600 * 1000;

export interface InstanceParts {
  readonly name: string;
  readonly mod: typeof import("@nodestore/opensearch");
  readonly target: OpenSearchTarget;
  /** Index `<ns>-{date}`, alias and template `<ns>`; scratch namespaces `<ns>x<name>`. */
  readonly namespace: string;
}

type Http = <T>(method: string, path: string, querystring?: Record<string, string | number>) => Promise<T>;

/** OpenSearch caches an index's store size for `index.store.stats_refresh_interval` (10 s, not dynamic). */
const STORE_STATS_CACHE_MS = 10_000;

export async function openSearchInstance(ctx: SetupContext, parts: InstanceParts): Promise<ProviderInstance> {
  const { name, mod, target: t, namespace: ns } = parts;
  const options = (space: string): OpenSearchBackendOptions => ({
    index: `${space}-{date}`,
    aliasName: space,
    templateName: space,
    indexPattern: `${space}-*`,
    shards: 1,
    replicas: 0,
    env: {},
    onWarning: () => {},
  });
  // One retry: a benchmark should see a failing server, not hide it behind the client's retries.
  const backend = new mod.OpenSearchBackend({ ...options(ns), node: t.url, maxRetries: 1 });
  let requests = 0;
  backend.client.on("request", () => {
    requests++;
  });
  const http: Http = async <T>(method: string, path: string, querystring?: Record<string, string | number>) =>
    (await backend.client.transport.request({ method, path, querystring: querystring ?? {} })).body as T;
  const spaces = [ns];
  const report = await backend.bootstrapReport();
  const codec = report.codec ?? "default";
  const emptyBytes = await storeBytes(http, ns);
  const store = new NodeStore(backend);
  const plugin = await startPythonPlugin(
    ctx,
    { url: t.url, index: `${ns}-{date}`, alias: ns, template: ns },
    codec,
  );
  const scratch = new Map<string, Promise<NodeStore>>();
  return {
    target: {
      kind: "opensearch",
      version: t.version,
      source: t.source,
      endpoint: t.upstream,
      description: `${t.version} at ${t.upstream} (from ${t.origin}), index ${ns}-{date} behind alias ${ns}, 1 shard, 0 replicas, codec ${codec}, data mapped as a stored binary${t.via}`,
    },
    store,
    backend,
    requests: () => requests,
    ...(plugin.missing === undefined ? {} : { notes: [`no Python plugin baseline: ${plugin.missing}`] }),
    scratchStore(key) {
      let got = scratch.get(key);
      if (got === undefined) {
        const space = `${ns}x${key.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
        spaces.push(space);
        // The cleanup namespace writes into a daily index two days old, so cleanup(now) drops it whole.
        const now = key === "cleanup" ? () => new Date(Date.now() - 2 * DAY) : undefined;
        const other = new mod.OpenSearchBackend({
          ...options(space),
          client: backend.client,
          ...(now ? { now } : {}),
        });
        got = other.bootstrap().then(() => new NodeStore(other));
        scratch.set(key, got);
      }
      return got;
    },
    measureStorage: (ids, logicalBytes) =>
      measureIndexStorage(http, ns, { ids, logicalBytes, emptyBytes, codec }),
    baselines: openSearchBaselines(
      ctx,
      mod,
      backend as OpenSearchBackend,
      plugin.python,
      t.proxy !== undefined,
    ),
    cleanupNote:
      "cleanup drops whole daily indices: the nodes are written into an index two days old, then cleanup(now) refreshes, counts and deletes it (the Python plugin's cleanup sends the same DELETE, but skips prefixed names)",
    checks: openSearchChecks(name, ctx),
    async dispose() {
      try {
        for (const space of spaces) {
          const names = Object.keys(
            await http<Record<string, unknown>>("GET", `/${space}-*/_alias`).catch(() => ({})),
          );
          if (names.length > 0) await http("DELETE", `/${names.join(",")}`);
          await http("DELETE", `/_index_template/${space}`).catch(() => {});
        }
      } finally {
        await plugin.close();
        await store.close();
        await t.proxy?.remove();
      }
    },
  };
}

interface StatsAnswer {
  _all: {
    primaries: {
      store: { size_in_bytes: number };
      docs: { count: number };
      segments: { count: number };
    };
  };
}

async function storeBytes(http: Http, ns: string): Promise<number> {
  await http("POST", `/${ns}-*/_flush`);
  const stats = await http<StatsAnswer>("GET", `/${ns}-*/_stats/store`);
  return stats._all.primaries.store.size_in_bytes;
}

/** Issue #13's request-count targets, read from the scenarios the run measured. */
function openSearchChecks(name: string, ctx: SetupContext): CheckSpec[] {
  const { deleteBatch, readBatch } = ctx.options.settings;
  return [
    {
      id: "issue-13-getMulti-requests",
      issue: 13,
      title: `${name} getMulti(${readBatch}) requests per call`,
      scenario: `read-getMulti${readBatch}`,
      metric: "requestsPerOp",
      target: { of: "value", op: "<=", value: 1 },
      baselineDescription: "the Python plugin: a search and a get per id",
      baselineValue: 2 * readBatch,
      note: `Python sends ${2 * readBatch} requests for this call, one after another`,
    },
    {
      id: "issue-13-deleteMulti-requests",
      issue: 13,
      title: `${name} deleteMulti(${deleteBatch}) requests per call`,
      scenario: `deleteMulti-${deleteBatch}`,
      metric: "requestsPerOp",
      target: { of: "value", op: "<=", value: 2 },
      baselineDescription: "the Python plugin: one _delete_by_query (search-based: misses unrefreshed nodes)",
      baselineValue: 1,
      note: "ours: one real-time _mget finds every copy, one _bulk deletes exactly those",
    },
  ];
}

/** Bytes the bench's daily index holds, from `_stats` after refresh, flush and a force-merge to one segment. */
async function measureIndexStorage(
  http: Http,
  ns: string,
  m: { ids: readonly string[]; logicalBytes: number; emptyBytes: number; codec: string },
) {
  const index = `${ns}-*`;
  await http("POST", `/${index}/_refresh`);
  await http("POST", `/${index}/_flush`);
  await http("POST", `/${index}/_forcemerge`, { max_num_segments: 1 });
  // The store size is cached: wait until the figure reflects the merged segment.
  await new Promise((r) => setTimeout(r, STORE_STATS_CACHE_MS + 500));
  const stats = await http<StatsAnswer>("GET", `/${index}/_stats/store,docs,segments`);
  const p = stats._all.primaries;
  return storageResult(
    m.ids.length,
    m.logicalBytes,
    p.store.size_in_bytes - m.emptyBytes,
    `_stats store.size_in_bytes (primaries) of the bench's daily index after refresh, flush and force-merge to one segment, minus the empty index's ${m.emptyBytes} bytes (read after the 10 s store-stats cache); index codec ${m.codec}`,
    { docs: p.docs.count, segments: p.segments.count, emptyIndexBytes: m.emptyBytes },
  );
}
