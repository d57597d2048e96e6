import {
  BackendError,
  BackendUnavailableError,
  InvalidArgumentError,
  inScanWindow,
  type ScannedNode,
  type ScanOptions,
  type ScanPage,
  scanPageSize,
} from "@nodestore/core";
import { TRANSIENT_TYPES } from "./documents.js";
import { OpenSearchFailure, reasonOf, type ServerError } from "./errors.js";
import type { ResolvedOpenSearchOptions } from "./options.js";
import { type Requester, seg, send } from "./transport.js";

/** Most hits per search: the default `index.max_result_window`. Also the default page. */
export const SCAN_PAGE_LIMIT = 10_000;

/**
 * Where a scan stands: after the document with sequence number `q` of shard `s` of index `i` (`q` = -1: before
 * the shard's first). The order is (index name, shard number, `_seq_no`): every part is the same in every
 * process, so a cursor written by one process resumes in another.
 */
export interface ScanPosition {
  readonly i: string;
  readonly s: number;
  readonly q: number;
}

const CURSOR_PREFIX = "os1.";

/** `os1.` + base64url of `{"a":alias,"i":index,"s":shard,"q":seqNo}`: printable, a few dozen bytes. */
export function encodeScanCursor(alias: string, p: ScanPosition): string {
  return (
    CURSOR_PREFIX + Buffer.from(JSON.stringify({ a: alias, i: p.i, s: p.s, q: p.q })).toString("base64url")
  );
}

export function decodeScanCursor(cursor: string, alias: string, backend: string): ScanPosition {
  const bad = (why: string) =>
    new InvalidArgumentError(`${backend} scan: after is not a cursor of this store (${why})`);
  if (!cursor.startsWith(CURSOR_PREFIX)) throw bad("it does not start with os1.");
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    throw bad("not base64url JSON");
  }
  const v = value as { a?: unknown; i?: unknown; s?: unknown; q?: unknown } | null;
  if (
    typeof v !== "object" ||
    v === null ||
    typeof v.a !== "string" ||
    typeof v.i !== "string" ||
    !Number.isSafeInteger(v.s) ||
    (v.s as number) < 0 ||
    !Number.isSafeInteger(v.q) ||
    (v.q as number) < -1
  ) {
    throw bad("malformed");
  }
  if (v.a !== alias)
    throw bad(`it is a cursor of alias ${JSON.stringify(v.a)}, not ${JSON.stringify(alias)}`);
  return { i: v.i, s: v.s as number, q: v.q as number };
}

/** How an index's `timestamp` can be read and filtered on. */
export interface TimestampAccess {
  /** `docvalues`: `docvalue_fields` in epoch ms; `stored`: the stored field; `none`: not readable. */
  readonly read: "docvalues" | "stored" | "none";
  /** A `date`/`date_nanos`: since/until become a range query; otherwise they are applied here. */
  readonly range: boolean;
}

export function timestampAccess(
  mapping: { type?: unknown; store?: unknown; doc_values?: unknown } | undefined,
): TimestampAccess {
  if (mapping === undefined) return { read: "none", range: false };
  const date = mapping.type === "date" || mapping.type === "date_nanos";
  if (date && mapping.doc_values !== false && mapping.doc_values !== "false")
    return { read: "docvalues", range: true };
  const stored = mapping.store === true || mapping.store === "true";
  return { read: stored ? "stored" : "none", range: date };
}

/** A timestamp as a field returns it: epoch ms (docvalues) or text (stored; a text without zone is UTC). */
export function parseScanTimestamp(value: unknown): Date | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  let ms: number;
  if (typeof v === "number") ms = v;
  else if (typeof v !== "string") return undefined;
  else if (/^-?\d+(\.\d+)?$/.test(v)) ms = Number(v);
  else ms = Date.parse(/T[\d:.]+$/.test(v) ? `${v}Z` : v);
  return Number.isFinite(ms) ? new Date(Math.floor(ms)) : undefined;
}

interface IndexRow {
  readonly index: string;
  readonly status: string;
  readonly shards: number;
}

interface SearchAnswer {
  _shards?: {
    total?: number;
    successful?: number;
    failed?: number;
    failures?: Array<{ shard?: number; index?: string; reason?: ServerError }>;
  };
  hits?: { hits?: Array<{ _id: string; sort?: unknown[]; fields?: { timestamp?: unknown } }> };
}

const causeType = (error: unknown): string | undefined =>
  error instanceof BackendError && error.cause instanceof OpenSearchFailure ? error.cause.type : undefined;

/**
 * The ids of the alias's indices, in pages (see the README's "Listing (scan)"): indices in name order, each shard
 * in turn (`preference=_shards:N`), documents by `_seq_no` with a `range` on it from the cursor, `_source` off,
 * the timestamp from doc values. One search per page while a shard lasts; since/until a range on `timestamp`.
 */
export async function* scanAlias(
  r: Requester,
  o: ResolvedOpenSearchOptions,
  options: ScanOptions | undefined,
  closedWarned: Set<string>,
): AsyncIterable<ScanPage> {
  const pageSize = scanPageSize(options, SCAN_PAGE_LIMIT, r.backend);
  const after =
    options?.after === undefined ? undefined : decodeScanCursor(options.after, o.alias, r.backend);
  const signal = options?.signal;
  signal?.throwIfAborted();
  const window = options?.since !== undefined || options?.until !== undefined;
  const alias = seg(o.alias);

  // Search sees what a refresh made visible: without one, writes of the last second (the refresh interval) and
  // deletes not yet refreshed would be missed or listed. Cheap when nothing changed.
  try {
    await send(
      r,
      "refresh the alias's indices before a scan",
      {},
      { method: "POST", path: `/${alias}/_refresh`, querystring: { ignore_unavailable: true } },
      { maintenance: true, signal, ignore: [404] },
    );
  } catch (error) {
    if (!(error instanceof BackendError) || !(error.cause instanceof OpenSearchFailure)) throw error;
    if (error.cause.statusCode !== 403) throw error;
    o.warn(
      `scan: no permission to refresh alias "${o.alias}" (indices:admin/refresh): nodes written or deleted in the last refresh interval may be listed wrongly`,
    );
  }

  const listed = await send<Array<{ index: string; status: string; pri: string }>>(
    r,
    "list the alias's indices",
    {},
    {
      method: "GET",
      path: `/_cat/indices/${alias}`,
      querystring: { format: "json", h: "index,status,pri" },
    },
    { signal, ignore: [404] },
  );
  if (listed.statusCode === 404 || !Array.isArray(listed.body)) return;
  const rows: IndexRow[] = listed.body
    .map((row) => ({ index: row.index, status: row.status, shards: Number(row.pri) }))
    .filter((row) => after === undefined || row.index >= after.i)
    .sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
  if (rows.length === 0) return;

  const mappings = await send<
    Record<string, { mappings?: Record<string, { mapping?: Record<string, Record<string, unknown>> }> }>
  >(
    r,
    "read the timestamp mapping",
    {},
    {
      method: "GET",
      path: `/${alias}/_mapping/field/timestamp`,
      querystring: { ignore_unavailable: true },
    },
    { signal, ignore: [404] },
  );
  const accessOf = (index: string): TimestampAccess =>
    timestampAccess(mappings.body?.[index]?.mappings?.timestamp?.mapping?.timestamp);

  let nodes: ScannedNode[] = [];
  let position: ScanPosition | undefined = after;

  indices: for (const row of rows) {
    if (row.status !== "open") {
      if (!closedWarned.has(row.index)) {
        closedWarned.add(row.index);
        o.warn(`scan: index ${row.index} in alias "${o.alias}" is ${row.status}: its nodes are not listed`);
      }
      continue;
    }
    const access = accessOf(row.index);
    // A window needs timestamps: an index without a readable one has no node in it.
    if (window && !access.range && access.read === "none") continue;
    const resumeHere = after !== undefined && after.i === row.index;
    for (let shard = resumeHere ? after.s : 0; shard < row.shards; shard++) {
      let seq = resumeHere && shard === after.s ? after.q : -1;
      for (;;) {
        const want = pageSize - nodes.length;
        const hits = await searchShard(r, o, row.index, shard, seq, want, access, options);
        if (hits === "gone") continue indices;
        for (const hit of hits) {
          const seqNo = Number(hit.sort?.[0]);
          if (!Number.isSafeInteger(seqNo)) {
            throw new BackendError(
              r.backend,
              "list nodes",
              `a hit of index ${row.index} has no _seq_no sort value`,
            );
          }
          seq = seqNo;
          const timestamp =
            access.read === "docvalues" || access.read === "stored"
              ? parseScanTimestamp(hit.fields?.timestamp)
              : undefined;
          // Without a date mapping the server could not filter: the window is applied here.
          if (!access.range && !inScanWindow(timestamp, options)) continue;
          nodes.push(timestamp === undefined ? { id: hit._id } : { id: hit._id, timestamp });
        }
        position = { i: row.index, s: shard, q: seq };
        if (nodes.length >= pageSize) {
          yield { nodes, cursor: encodeScanCursor(o.alias, position) };
          nodes = [];
        }
        if (hits.length < want) break;
      }
    }
  }
  if (nodes.length > 0 && position !== undefined)
    yield { nodes, cursor: encodeScanCursor(o.alias, position) };
}

/** One page of one shard: hits after `seq`, or "gone" when the index was deleted or closed meanwhile. */
async function searchShard(
  r: Requester,
  o: ResolvedOpenSearchOptions,
  index: string,
  shard: number,
  seq: number,
  size: number,
  access: TimestampAccess,
  options: ScanOptions | undefined,
): Promise<NonNullable<NonNullable<SearchAnswer["hits"]>["hits"]> | "gone"> {
  const filter: unknown[] = [{ range: { _seq_no: { gt: seq } } }];
  if (access.range && (options?.since !== undefined || options?.until !== undefined)) {
    filter.push({
      range: {
        timestamp: {
          ...(options.since === undefined ? {} : { gte: options.since.getTime() }),
          ...(options.until === undefined ? {} : { lt: options.until.getTime() }),
          format: "epoch_millis",
        },
      },
    });
  }
  let answer: SearchAnswer;
  try {
    ({ body: answer } = await send<SearchAnswer>(
      r,
      "list nodes",
      { index },
      {
        method: "POST",
        path: `/${seg(index)}/_search`,
        querystring: {
          preference: `_shards:${shard}`,
          filter_path: "_shards,hits.hits._id,hits.hits.sort,hits.hits.fields",
        },
        body: {
          size,
          _source: false,
          track_total_hits: false,
          query: { bool: { filter } },
          sort: [{ _seq_no: "asc" }],
          ...(access.read === "docvalues"
            ? { docvalue_fields: [{ field: "timestamp", format: "epoch_millis" }] }
            : {}),
          ...(access.read === "stored" ? { stored_fields: ["timestamp"] } : {}),
        },
      },
      { signal: options?.signal },
    ));
  } catch (error) {
    const type = causeType(error);
    if (type === "index_not_found_exception") return "gone";
    if (type === "index_closed_exception") {
      o.warn(
        `scan: index ${index} in alias "${o.alias}" was closed during the scan: its other nodes are not listed`,
      );
      return "gone";
    }
    throw error;
  }
  const shards = answer._shards ?? {};
  const total = shards.total ?? 0;
  if ((shards.failed ?? 0) > 0 || (shards.successful ?? 0) < total || total === 0) {
    const failure = shards.failures?.[0]?.reason;
    const { type, reason } = reasonOf(failure);
    const detail = `shard ${shard} of index ${index} did not answer (${type ?? "no shard copy available"}: ${failure === undefined ? `${shards.successful ?? 0} of ${total} shards answered` : reason})`;
    const cause = new OpenSearchFailure("ShardFailure", detail, undefined, type);
    if (type === undefined || TRANSIENT_TYPES.has(type)) {
      throw new BackendUnavailableError(r.backend, `list nodes: ${detail}`, cause);
    }
    throw new BackendError(r.backend, "list nodes", detail, { cause });
  }
  return answer.hits?.hits ?? [];
}
