import type { CleanupOptions, CleanupResult } from "@nodestore/core";
import type { IndexCatalog } from "./catalog.js";
import { DAY_MS } from "./indices.js";
import type { ResolvedOpenSearchOptions } from "./options.js";
import { type Requester, seg, send } from "./transport.js";

export interface OpenSearchCleanupResult extends CleanupResult {
  /** The daily indices deleted. */
  readonly indices: readonly string[];
  /** Documents deleted by query from the boundary day (`cleanupPrecision: "exact"`). */
  readonly deletedByQuery: number;
}

/** Longest comma-separated list of indices per DELETE (the request line must stay under 4 kB). */
const MAX_PATH_CHARS = 3_000;

/**
 * Drops whole daily indices: every index of our pattern (`sentry-YYYY-MM-DD`, `sentry-<prefix>-YYYY-MM-DD`, with
 * any `-suffix`) whose whole UTC day is before `cutoff`, in or out of the alias. An index whose name is not the
 * pattern is never touched. With `cleanupPrecision: "exact"`, the documents of the day containing the cutoff
 * that were written before it are deleted by query too.
 */
export async function dropOldIndices(
  r: Requester,
  o: ResolvedOpenSearchOptions,
  catalog: IndexCatalog,
  cutoff: Date,
  options: CleanupOptions = {},
): Promise<OpenSearchCleanupResult> {
  const { body } = await send<Array<{ index: string }>>(
    r,
    "list the daily indices",
    {},
    {
      method: "GET",
      path: `/_cat/indices/${seg(o.naming.wildcard)}`,
      querystring: { format: "json", h: "index", expand_wildcards: "all" },
    },
    { maintenance: true },
  );
  const old: string[] = [];
  const boundary: string[] = [];
  for (const row of body) {
    const day = o.naming.dateOf(row.index);
    if (day === undefined) continue;
    if (day.getTime() + DAY_MS <= cutoff.getTime()) old.push(row.index);
    else if (day.getTime() < cutoff.getTime()) boundary.push(row.index);
  }
  old.sort();
  let deleted = 0;
  let batches = 0;
  const dropped: string[] = [];
  let group: string[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    options.signal?.throwIfAborted();
    const names = group.join(",");
    group = [];
    // Count what goes: refreshed first, so documents written since the last refresh are counted too.
    await send(
      r,
      "refresh old daily indices",
      { index: names },
      // Closed indices are skipped here (deleted with the others, their documents not counted).
      { method: "POST", path: `/${seg(names)}/_refresh`, querystring: { ignore_unavailable: true } },
      { maintenance: true, ignore: [404] },
    );
    const stats = await send<{ indices?: Record<string, { primaries?: { docs?: { count?: number } } }> }>(
      r,
      "count old daily indices",
      { index: names },
      { method: "GET", path: `/${seg(names)}/_stats/docs`, querystring: { ignore_unavailable: true } },
      { maintenance: true, ignore: [404] },
    );
    await send(
      r,
      "delete old daily indices",
      { index: names },
      { method: "DELETE", path: `/${seg(names)}` },
      {
        maintenance: true,
      },
    );
    const list = names.split(",");
    catalog.forget(list);
    dropped.push(...list);
    deleted += Object.values(stats.body.indices ?? {}).reduce(
      (n, i) => n + (i.primaries?.docs?.count ?? 0),
      0,
    );
    batches++;
    options.onProgress?.({ deleted, batches });
  };
  for (const index of old) {
    if (group.length > 0 && [...group, index].join(",").length > MAX_PATH_CHARS) await flush();
    group.push(index);
  }
  await flush();
  let deletedByQuery = 0;
  if (o.cleanupPrecision === "exact") {
    for (const index of boundary) {
      options.signal?.throwIfAborted();
      // delete_by_query searches: make the latest writes searchable first.
      await send(
        r,
        "refresh the boundary index",
        { index },
        { method: "POST", path: `/${seg(index)}/_refresh` },
        {
          maintenance: true,
        },
      );
      const result = await send<{ deleted?: number }>(
        r,
        "delete documents before the cutoff",
        { index },
        {
          method: "POST",
          path: `/${seg(index)}/_delete_by_query`,
          querystring: { conflicts: "proceed", refresh: true },
          body: { query: { range: { timestamp: { lt: cutoff.toISOString() } } } },
        },
        { maintenance: true },
      );
      deletedByQuery += result.body.deleted ?? 0;
      deleted += result.body.deleted ?? 0;
      batches++;
      options.onProgress?.({ deleted, batches });
    }
  }
  if (batches === 0) options.onProgress?.({ deleted, batches });
  return { deleted, batches, indices: dropped, deletedByQuery };
}
